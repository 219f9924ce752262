package io.tieredmemory.chroma;

import java.util.Collection;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Per-key locks for one process: Chroma has no transactions, so each read-check-write of a key runs
 * under its stripe. Several keys are locked in ascending stripe order, so batches never deadlock.
 */
final class StripedLocks {
  /** A held set of stripes; closing releases them. */
  interface Held extends AutoCloseable {
    @Override
    void close();
  }

  private final ReentrantLock[] stripes;

  StripedLocks(int count) {
    if (Integer.bitCount(count) != 1) {
      throw new IllegalArgumentException("count must be a power of two, was " + count);
    }
    stripes = new ReentrantLock[count];
    for (int i = 0; i < count; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  int stripe(String key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (stripes.length - 1);
  }

  Held lock(String key) {
    ReentrantLock lock = stripes[stripe(key)];
    lock.lock();
    return lock::unlock;
  }

  Held lockAll(Collection<String> keys) {
    TreeSet<Integer> order = new TreeSet<>();
    for (String key : keys) {
      order.add(stripe(key));
    }
    int[] held = new int[order.size()];
    int n = 0;
    try {
      for (int s : order) {
        stripes[s].lock();
        held[n++] = s;
      }
    } catch (RuntimeException | Error e) {
      unlock(held, n);
      throw e;
    }
    int count = n;
    return () -> unlock(held, count);
  }

  private void unlock(int[] held, int n) {
    for (int i = n - 1; i >= 0; i--) {
      stripes[held[i]].unlock();
    }
  }
}
