package io.tieredmemory.testkit.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks that searches never return stale values. Searches are not linearizable (an index may lag
 * behind writes), so this is weaker than {@link LinearizabilityChecker}: a hit of value {@code v}
 * for key {@code k} in a search running over {@code [s, e]} is fine unless
 *
 * <ul>
 *   <li>no put of {@code v} to {@code k} was invoked by {@code e} (nobody wrote it, or not yet), or
 *   <li>every such put was definitely overwritten before the search began: another write of {@code
 *       k} (a put of another value, or a delete) that was invoked after the put completed returned
 *       before {@code s}.
 * </ul>
 *
 * <p>A put that threw or never completed may take effect at any time, so it is never definitely
 * overwritten; a write that threw may never have happened, so it overwrites nothing. Equal instants
 * count as concurrent, as in {@link LinearizabilityChecker}. Missing hits are not checked: a search
 * need not find everything.
 *
 * <pre>{@code
 * SearchCheck.Result result = SearchCheck.check(recorder.history());
 * assertThat(result.ok()).as(result.describe(seed)).isTrue();
 * }</pre>
 */
public final class SearchCheck {
  private SearchCheck() {}

  /**
   * One stale or invented hit.
   *
   * @param search the search that returned it
   * @param key the hit's key
   * @param value the hit's value
   * @param put the put that wrote the value, if any was invoked before the search completed
   * @param overwrite the write that definitely replaced it before the search began, if any
   */
  public record Violation(
      SearchOp search, String key, String value, Optional<Op> put, Optional<Op> overwrite) {
    /** Checks nothing is null. */
    public Violation {
      Objects.requireNonNull(search, "search");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(put, "put");
      Objects.requireNonNull(overwrite, "overwrite");
    }

    /** Why the hit is wrong, in one or two lines. */
    public String describe() {
      SearchOp s = search;
      String head =
          String.format(
              Locale.ROOT,
              "search %d by %s for %s [%d, %d] returned %s = %s: ",
              s.id(),
              HistoryFormat.quote(s.process()),
              HistoryFormat.quote(s.query()),
              s.invokedAt(),
              s.completedAt(),
              HistoryFormat.quote(key),
              HistoryFormat.quote(value));
      if (put.isEmpty()) {
        return head + "no put of that value to that key was invoked before the search completed";
      }
      return head
          + "\n    "
          + show(put.get())
          + "\n    was overwritten before the search began by "
          + show(overwrite.orElseThrow());
    }

    private static String show(Op op) {
      return String.format(
          Locale.ROOT,
          "%s (op %d by %s, [%d, %s])",
          op.describe(),
          op.id(),
          HistoryFormat.quote(op.process()),
          op.invokedAt(),
          op.completedAt() == Op.NEVER ? "never" : String.valueOf(op.completedAt()));
    }
  }

  /**
   * The violations found.
   *
   * @param violations in search order
   * @param searches how many searches were checked
   * @param hits how many hits they returned
   */
  public record Result(List<Violation> violations, int searches, int hits) {
    /** Copies the list. */
    public Result {
      violations = List.copyOf(violations);
    }

    /** Whether no hit was stale or invented. */
    public boolean ok() {
      return violations.isEmpty();
    }

    /** Every violation, with {@code seed} to replay the run. */
    public String describe(long seed) {
      StringBuilder out =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "%s: %d of %,d hits in %,d searches (seed %d)%n",
                  ok() ? "No stale search hits" : "Stale search hits",
                  violations.size(),
                  hits,
                  searches,
                  seed));
      violations.forEach(v -> out.append("  ").append(v.describe()).append('\n'));
      return out.toString();
    }
  }

  /** Checks every search of {@code history} against its ops. */
  public static Result check(History history) {
    return check(history, history.searches());
  }

  /** Checks {@code searches} against the ops of {@code history} (its own searches are ignored). */
  public static Result check(History history, List<SearchOp> searches) {
    Map<String, List<Op>> byKey = history.byKey();
    List<Violation> violations = new ArrayList<>();
    int hits = 0;
    for (SearchOp search : searches) {
      for (Map.Entry<String, String> hit : search.hits().entrySet()) {
        hits++;
        List<Op> ops = byKey.getOrDefault(hit.getKey(), List.of());
        check(search, hit.getKey(), hit.getValue(), ops).ifPresent(violations::add);
      }
    }
    return new Result(violations, searches.size(), hits);
  }

  private static Optional<Violation> check(
      SearchOp search, String key, String value, List<Op> ops) {
    Optional<Op> firstPut = Optional.empty();
    Optional<Op> firstOverwrite = Optional.empty();
    for (Op put : ops) {
      if (put.kind() != OpKind.PUT
          || !value.equals(put.value())
          || put.invokedAt() > search.completedAt()) {
        continue;
      }
      Optional<Op> overwrite = overwrite(put, search, ops);
      if (overwrite.isEmpty()) {
        return Optional.empty(); // values are unique per test, but any one fresh put suffices
      }
      if (firstPut.isEmpty()) {
        firstPut = Optional.of(put);
        firstOverwrite = overwrite;
      }
    }
    return Optional.of(new Violation(search, key, value, firstPut, firstOverwrite));
  }

  /** A write that certainly replaced {@code put}'s value before {@code search} was invoked. */
  private static Optional<Op> overwrite(Op put, SearchOp search, List<Op> ops) {
    for (Op write : ops) {
      boolean replaces =
          write.kind() == OpKind.DELETE
              || write.kind() == OpKind.PUT && !Objects.equals(write.value(), put.value());
      if (replaces
          && write.determinate()
          && write.invokedAt() > put.end()
          && write.completedAt() < search.invokedAt()) {
        return Optional.of(write);
      }
    }
    return Optional.empty();
  }
}
