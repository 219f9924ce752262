package io.tieredmemory.core;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Copies that may be stale in one tier: key to a version such that any copy older than it must go.
 * Filled when a put supersedes a possibly archived copy, or when a removal could not reach a tier;
 * drained in batches by sweeps (and by writers when it grows past its bound).
 */
final class StaleCopies {
  private final ConcurrentHashMap<String, Long> pending = new ConcurrentHashMap<>();
  private volatile boolean nonEmpty;

  void add(String key, long olderThan) {
    pending.merge(key, olderThan, Math::max);
    nonEmpty = true;
  }

  /**
   * Forgets {@code key} if what is pending for it is at most {@code version}: a copy of exactly
   * that version was just stored here, so nothing older can remain (callers hold the key's lock).
   */
  void clearIfAtMost(String key, long version) {
    if (nonEmpty) {
      pending.computeIfPresent(key, (k, v) -> v <= version ? null : v);
    }
  }

  /** Whether {@code key} may have a stale copy here; cheap when nothing is pending. */
  boolean mayBeStale(String key) {
    return nonEmpty && pending.containsKey(key);
  }

  int size() {
    return pending.size();
  }

  /** Takes up to {@code max} entries out. */
  Map<String, Long> take(int max) {
    Map<String, Long> batch = new HashMap<>();
    for (Iterator<Map.Entry<String, Long>> it = pending.entrySet().iterator();
        it.hasNext() && batch.size() < max; ) {
      Map.Entry<String, Long> e = it.next();
      if (pending.remove(e.getKey(), e.getValue())) {
        batch.put(e.getKey(), e.getValue());
      }
    }
    if (pending.isEmpty()) {
      nonEmpty = false;
      if (!pending.isEmpty()) {
        nonEmpty = true;
      }
    }
    return batch;
  }

  /** Puts entries back after a failed drain. */
  void restore(Map<String, Long> batch) {
    batch.forEach(this::add);
  }
}
