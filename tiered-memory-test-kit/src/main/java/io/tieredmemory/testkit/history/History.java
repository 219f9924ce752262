package io.tieredmemory.testkit.history;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable history: operations on many keys and searches, ordered by invocation.
 *
 * <p>Build one with a {@link HistoryRecorder}, read one from files with {@link HistoryReader}, or
 * assemble one from explicit instants (histories of several processes merge by instants, so they
 * must share a clock):
 *
 * <pre>{@code
 * History h =
 *     History.of(
 *         List.of(
 *             Op.put(1, "p0", "k", "a", 0, 10),
 *             Op.get(2, "p1", "k", Optional.of("a"), 11, 12)));
 * CheckResult r = LinearizabilityChecker.withDefaults().check(h);
 * }</pre>
 *
 * @param ops the operations, sorted by invocation instant, then id
 * @param searches the searches, sorted the same way
 */
public record History(List<Op> ops, List<SearchOp> searches) {

  private static final Comparator<Op> BY_INVOCATION =
      Comparator.comparingLong(Op::invokedAt).thenComparing(Op::process).thenComparingLong(Op::id);

  /** Sorts and copies both lists. */
  public History {
    ops = sorted(Objects.requireNonNull(ops, "ops"), BY_INVOCATION);
    searches =
        sorted(
            Objects.requireNonNull(searches, "searches"),
            Comparator.comparingLong(SearchOp::invokedAt)
                .thenComparing(SearchOp::process)
                .thenComparingLong(SearchOp::id));
  }

  /** A history of operations and no searches. */
  public static History of(Collection<Op> ops) {
    return new History(List.copyOf(ops), List.of());
  }

  /** The union of histories recorded on the same clock (e.g. by several processes). */
  public static History merge(Collection<History> parts) {
    List<Op> ops = new ArrayList<>();
    List<SearchOp> searches = new ArrayList<>();
    for (History part : parts) {
      ops.addAll(part.ops);
      searches.addAll(part.searches);
    }
    return new History(ops, searches);
  }

  /** The keys operated on, in the order of their first invocation. */
  public List<String> keys() {
    return List.copyOf(byKey().keySet());
  }

  /** The operations on {@code key}, and no searches. */
  public History forKey(String key) {
    return of(ops.stream().filter(op -> op.key().equals(key)).toList());
  }

  /** Each key's operations, keys in the order of their first invocation. */
  Map<String, List<Op>> byKey() {
    Map<String, List<Op>> byKey = new LinkedHashMap<>();
    for (Op op : ops) {
      byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
    }
    return byKey;
  }

  /** A summary; the operations themselves are listed by {@link CheckResult#describe(long)}. */
  @Override
  public String toString() {
    return "History[" + ops.size() + " ops, " + searches.size() + " searches]";
  }

  private static <T> List<T> sorted(Collection<T> items, Comparator<? super T> order) {
    List<T> copy = new ArrayList<>(items);
    copy.forEach(Objects::requireNonNull);
    copy.sort(order);
    return List.copyOf(copy);
  }
}
