package io.tieredmemory.core;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Keys whose HOT copy may be stale in this process: a put or delete could not remove the old HOT
 * copy (HOT unreachable) and went on, which only a store whose locks are this process's may do.
 * Reads skip HOT for these keys. Each mark has an id, the version of its durable note in WARM's
 * journal ({@code Tier.HOT}), so a crash cannot lose it; a sweep removes the HOT copies and then,
 * only after the removal returned, clears the marks it settled.
 */
final class StaleCopies {
  private final ConcurrentHashMap<String, Long> marks = new ConcurrentHashMap<>();
  // Counts up before a mark is added and down after one is removed, so it is never below the
  // number of marks: a reader that sees 0 may safely skip the map.
  private final AtomicInteger upperBound = new AtomicInteger();

  /** Marks {@code key} (called under its lock, after the mark was noted durably). */
  void mark(String key, long id) {
    upperBound.incrementAndGet();
    boolean[] added = {false};
    marks.compute(
        key,
        (k, old) -> {
          added[0] = old == null;
          return old == null ? id : Math.max(old, id);
        });
    if (!added[0]) {
      upperBound.decrementAndGet();
    }
  }

  /** Whether reads must skip HOT for {@code key}; one volatile read when nothing is marked. */
  boolean mayBeStale(String key) {
    return upperBound.get() != 0 && marks.containsKey(key);
  }

  /**
   * Clears the mark of {@code key} if it is still {@code id}: HOT was found to hold no copy after
   * the mark was set.
   */
  void clear(String key, long id) {
    if (upperBound.get() != 0 && marks.remove(key, id)) {
      upperBound.decrementAndGet();
    }
  }

  /** The id of {@code key}'s mark, or null if it has none. */
  @Nullable Long markOf(String key) {
    return upperBound.get() == 0 ? null : marks.get(key);
  }

  int size() {
    return marks.size();
  }
}
