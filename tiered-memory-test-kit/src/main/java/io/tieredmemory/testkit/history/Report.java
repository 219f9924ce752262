package io.tieredmemory.testkit.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** Writes the text of {@link CheckResult#describe(long)}. */
final class Report {
  /** How many ops of the longest linearizable prefix a report lists. */
  private static final int SHOWN_PREFIX = 4;

  private Report() {}

  static String headline(CheckResult r) {
    String key = r.key().map(HistoryFormat::quote).orElse("");
    return switch (r.verdict()) {
      case LINEARIZABLE -> "Linearizable: " + counts(r);
      case VIOLATION -> "Linearizability violation on key " + key + ": " + counts(r);
      case UNKNOWN -> "Unknown (budget spent, not a violation) on key " + key + ": " + counts(r);
    };
  }

  static String describe(CheckResult r, long seed) {
    StringBuilder out = new StringBuilder(headline(r)).append(" (seed ").append(seed).append(")\n");
    if (r.verdict() == CheckResult.Verdict.LINEARIZABLE) {
      return out.toString();
    }
    String key = HistoryFormat.quote(r.key().orElseThrow());
    List<Op> ops = r.counterexample().ops();
    out.append('\n');
    if (r.verdict() == CheckResult.Verdict.VIOLATION) {
      int all = r.keyHistory().ops().size();
      out.append("The ")
          .append(all)
          .append(" ops on ")
          .append(key)
          .append(" have no linearization. ");
      out.append(
          ops.size() == all
              ? "No get could be removed without losing the violation:\n\n"
              : "Removing the gets it did not need left these "
                  + ops.size()
                  + " (puts and deletes are always kept:"
                  + " removing one could create a violation):\n\n");
    } else {
      out.append("The search of the ")
          .append(ops.size())
          .append(" ops on ")
          .append(key)
          .append(" stopped before it could decide; raise the budget or shorten the run:\n\n");
    }
    StuckPoint stuck = StuckPoint.of(ops, r.longestPrefix());
    List<Op> shown = window(ops, stuck);
    if (shown.size() < ops.size()) {
      out.append("  (")
          .append(shown.size())
          .append(" of them, around where the search got stuck;")
          .append(" all are in counterexample())\n");
    }
    Timeline timeline = new Timeline(shown);
    out.append(timeline.table()).append('\n');
    out.append(
        "Positions number invocations and completions in time order: an op precedes another"
            + " iff its completion comes before\nthe other's invocation. [B--> failed or never"
            + " completed: it may take effect at any point after its invocation, or never.\n\n");
    out.append(timeline.picture()).append('\n');
    out.append(stuck(r, stuck, timeline));
    return out.toString();
  }

  /**
   * At most {@link Timeline#MAX_SHOWN} ops in invocation order around the first op that does not
   * fit where the search got stuck (or the end of its prefix), more of them before than after.
   */
  private static List<Op> window(List<Op> ops, StuckPoint stuck) {
    if (ops.size() <= Timeline.MAX_SHOWN) {
      return ops;
    }
    Op focus =
        stuck.next().stream()
            .filter(op -> !stuck.fits(op))
            .findFirst()
            .orElse(
                stuck.prefix().isEmpty()
                    ? ops.get(0)
                    : stuck.prefix().get(stuck.prefix().size() - 1));
    int at = ops.indexOf(focus);
    int from =
        Math.max(0, Math.min(at - Timeline.MAX_SHOWN * 2 / 3, ops.size() - Timeline.MAX_SHOWN));
    return ops.subList(from, from + Timeline.MAX_SHOWN);
  }

  /** Where the search got stuck: its longest linearizable prefix and why nothing could follow. */
  private static String stuck(CheckResult r, StuckPoint stuck, Timeline timeline) {
    boolean violation = r.verdict() == CheckResult.Verdict.VIOLATION;
    StringBuilder out = new StringBuilder();
    List<Op> prefix = stuck.prefix();
    // The end of the prefix is what matters; a long one would bury it.
    List<Op> shown = prefix.subList(Math.max(0, prefix.size() - SHOWN_PREFIX), prefix.size());
    String ops =
        shown.stream()
            .map(op -> timeline.labelOf(op) + " " + op.describe())
            .collect(Collectors.joining(", "));
    if (prefix.isEmpty()) {
      out.append(violation ? "No op can be linearized first." : "No op was linearized yet.");
    } else {
      out.append(violation ? "The longest prefix the search could linearize" : "The longest so far")
          .append(shown.size() < prefix.size() ? " (" + prefix.size() + " ops) ends with " : " is ")
          .append(ops)
          .append('.');
    }
    out.append(" The register then holds ").append(show(stuck.state())).append(".\n");
    if (!violation) {
      return out.toString();
    }
    out.append("The ops that real-time order allows next:\n");
    List<String> uncertain = new ArrayList<>();
    for (Op op : stuck.next()) {
      if (!op.determinate()) {
        uncertain.add(timeline.labelOf(op));
        continue;
      }
      out.append("  ").append(timeline.labelOf(op)).append(' ').append(op.describe()).append(": ");
      if (stuck.fits(op)) {
        out.append("fits, but no linearization goes on from it\n");
        continue;
      }
      out.append("does not fit, the register holds ").append(show(stuck.state()));
      if (op.kind() == OpKind.GET && op.value() != null) {
        out.append("; ").append(writer(r.counterexample().ops(), op.value(), timeline));
      }
      out.append('\n');
    }
    if (!uncertain.isEmpty()) {
      out.append("  and ops that failed or never completed, which could take effect here: ")
          .append(String.join(", ", uncertain))
          .append("; no op above fits after any of them either\n");
    }
    return out.toString();
  }

  /** Who put {@code value}: the report's reader wants to see how old the value read is. */
  private static String writer(List<Op> ops, String value, Timeline timeline) {
    return ops.stream()
        .filter(op -> op.kind() == OpKind.PUT && value.equals(op.value()))
        .findFirst()
        .map(put -> "that value was put by " + timeline.labelOf(put))
        .orElse("no put wrote that value");
  }

  private static String show(@Nullable String state) {
    return state == null ? "absent" : HistoryFormat.quote(state);
  }

  private static String counts(CheckResult r) {
    return String.format(
        Locale.ROOT,
        "%d of %d keys checked, %,d ops, %,d search steps, %d ms",
        r.keysChecked(),
        r.keys(),
        r.opsChecked(),
        r.steps(),
        r.elapsed().toMillis());
  }
}
