package io.tieredmemory.testkit.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Renders a few ops as a table and an ASCII picture with one lane per process. Instants become
 * positions (ranks of every invocation and completion in time order), which keeps the picture small
 * and shows exactly what real-time order allows: an op precedes another iff its completion position
 * is lower than the other's invocation position.
 */
final class Timeline {
  /** Beyond this many ops the picture would be too wide to read; the table is still printed. */
  static final int MAX_PICTURED = 40;

  /** The most ops a report shows: a window of the counterexample around where it got stuck. */
  static final int MAX_SHOWN = 40;

  private final List<Op> ops;
  private final Map<Op, String> labels = new HashMap<>();
  private final Map<Op, Integer> invokedAt = new HashMap<>();
  private final Map<Op, Integer> completedAt = new HashMap<>();
  private final int positions;

  Timeline(List<Op> ops) {
    this.ops = ops.stream().sorted(Comparator.comparingLong(Op::invokedAt)).toList();
    List<long[]> events = new ArrayList<>(); // {instant, 0 invoke / 1 complete, index}
    for (int i = 0; i < this.ops.size(); i++) {
      Op op = this.ops.get(i);
      labels.put(op, label(i));
      events.add(new long[] {op.invokedAt(), 0, i});
      if (op.determinate()) {
        events.add(new long[] {op.completedAt(), 1, i});
      }
    }
    // Invocations before completions at one instant: such ops are concurrent, as in the search.
    events.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
    for (int p = 0; p < events.size(); p++) {
      Op op = this.ops.get((int) events.get(p)[2]);
      (events.get(p)[1] == 0 ? invokedAt : completedAt).put(op, p);
    }
    positions = events.size();
  }

  /** A, B, ..., Z, AA, AB, ...: short enough to sit inside a bar of the picture. */
  static String label(int index) {
    StringBuilder label = new StringBuilder();
    for (int i = index + 1; i > 0; i = (i - 1) / 26) {
      label.insert(0, (char) ('A' + (i - 1) % 26));
    }
    return label.toString();
  }

  /** The op's label, or its process and id when it is not on this timeline. */
  String labelOf(Op op) {
    String label = labels.get(op);
    return label != null ? label : "(" + op.process() + " op " + op.id() + ")";
  }

  /** One row per op, in invocation order. */
  String table() {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"", "process", "op id", "invoke", "complete", "call"});
    for (Op op : ops) {
      rows.add(
          new String[] {
            labels.get(op),
            op.process(),
            String.valueOf(op.id()),
            String.valueOf(invokedAt.get(op)),
            op.determinate() ? String.valueOf(completedAt.get(op)) : "-",
            op.describe()
          });
    }
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int c = 0; c < row.length; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder("  ");
      for (int c = 0; c < row.length; c++) {
        line.append(c == row.length - 1 ? row[c] : pad(row[c], widths[c] + 2));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  /**
   * One lane per process (more if a process overlapped itself): {@code [B--]} spans an op's
   * invocation to its completion, {@code [C-->} an op that failed or never completed.
   */
  String picture() {
    if (ops.size() > MAX_PICTURED) {
      return "  (no picture: more than " + MAX_PICTURED + " ops)\n";
    }
    int width = 2 * positions + 2;
    Map<String, List<StringBuilder>> lanes = new TreeMap<>();
    Map<String, List<Integer>> laneEnds = new LinkedHashMap<>();
    for (Op op : ops) {
      int from = 2 * Objects.requireNonNull(invokedAt.get(op));
      int to = op.determinate() ? 2 * Objects.requireNonNull(completedAt.get(op)) : width - 1;
      List<StringBuilder> rows = lanes.computeIfAbsent(op.process(), p -> new ArrayList<>());
      List<Integer> ends = laneEnds.computeIfAbsent(op.process(), p -> new ArrayList<>());
      int row = 0;
      while (row < rows.size() && ends.get(row) >= from) {
        row++;
      }
      if (row == rows.size()) {
        rows.add(new StringBuilder(" ".repeat(width)));
        ends.add(-1);
      }
      ends.set(row, to);
      draw(rows.get(row), from, to, Objects.requireNonNull(labels.get(op)), op.determinate());
    }
    int nameWidth = lanes.keySet().stream().mapToInt(String::length).max().orElse(0);
    StringBuilder out = new StringBuilder();
    lanes.forEach(
        (process, rows) -> {
          for (int r = 0; r < rows.size(); r++) {
            String name = r == 0 ? process : "";
            out.append("  ")
                .append(pad(name, nameWidth))
                .append(" |")
                .append(rows.get(r).toString().stripTrailing())
                .append('\n');
          }
        });
    return out.toString();
  }

  private static void draw(StringBuilder row, int from, int to, String label, boolean closed) {
    for (int c = from + 1; c < to; c++) {
      row.setCharAt(c, '-');
    }
    row.setCharAt(from, '[');
    row.setCharAt(to, closed ? ']' : '>');
    if (label.length() <= to - from - 1) {
      for (int i = 0; i < label.length(); i++) {
        row.setCharAt(from + 1 + i, label.charAt(i));
      }
    }
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
