package io.tieredmemory.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reads recorded in process and written to the table in batches, so a read costs one round trip.
 * Each key's pending {@code {count, lastAccess}} is changed only inside the map's per-key atomic
 * operations, so a drain never loses a concurrent read: a read either lands in the drained entry
 * before it is removed, or starts a new one.
 */
final class AccessBuffer {
  private final ConcurrentHashMap<String, long[]> pending = new ConcurrentHashMap<>();
  private final int maxKeys;
  private final LongAdder dropped = new LongAdder();

  AccessBuffer(int maxKeys) {
    this.maxKeys = maxKeys;
  }

  /** Drained statistics, keys sorted so concurrent flushers lock rows in the same order. */
  record Batch(String[] keys, Long[] counts, Long[] lastAccess) {
    int size() {
      return keys.length;
    }
  }

  void record(String key, long nowMillis) {
    // Bounded so an outage of the database cannot grow the heap without limit; reads beyond the
    // bound are not counted (access statistics are approximate by contract).
    if (pending.size() >= maxKeys && !pending.containsKey(key)) {
      dropped.increment();
      return;
    }
    pending.compute(
        key,
        (k, p) -> {
          if (p == null) {
            return new long[] {1, nowMillis};
          }
          p[0]++;
          p[1] = Math.max(p[1], nowMillis);
          return p;
        });
  }

  /** A copy of the key's pending {@code {count, lastAccess}}, or {@code null} if none. */
  long[] pending(String key) {
    long[][] copy = new long[1][];
    pending.computeIfPresent(
        key,
        (k, p) -> {
          copy[0] = p.clone();
          return p;
        });
    return copy[0];
  }

  /** Removes and returns up to {@code max} keys' statistics. */
  Batch drain(int max) {
    List<String> keys = new ArrayList<>(Math.min(max, pending.size()));
    for (String key : pending.keySet()) {
      if (keys.size() >= max) {
        break;
      }
      keys.add(key);
    }
    keys.sort(null);
    List<String> taken = new ArrayList<>(keys.size());
    List<Long> counts = new ArrayList<>(keys.size());
    List<Long> lasts = new ArrayList<>(keys.size());
    for (String key : keys) {
      long[] p = pending.remove(key);
      if (p != null) {
        taken.add(key);
        counts.add(p[0]);
        lasts.add(p[1]);
      }
    }
    return new Batch(
        taken.toArray(new String[0]), counts.toArray(new Long[0]), lasts.toArray(new Long[0]));
  }

  /** Puts back a batch whose write failed, merged with reads recorded since. */
  void restore(Batch batch) {
    for (int i = 0; i < batch.size(); i++) {
      long count = batch.counts()[i];
      long last = batch.lastAccess()[i];
      pending.merge(
          batch.keys()[i],
          new long[] {count, last},
          (p, b) -> {
            p[0] += b[0];
            p[1] = Math.max(p[1], b[1]);
            return p;
          });
    }
  }

  int size() {
    return pending.size();
  }

  /** Reads not counted because the buffer was full. */
  long dropped() {
    return dropped.sum();
  }

  @Override
  public String toString() {
    return "AccessBuffer[pending=" + pending.size() + ", dropped=" + dropped.sum() + "]";
  }
}
