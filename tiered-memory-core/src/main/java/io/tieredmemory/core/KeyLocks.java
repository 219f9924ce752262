package io.tieredmemory.core;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Striped locks that serialise writes, deletes and moves of one key within this process, so a move
 * never interleaves with a put or delete of the same key here. Reads take no lock. Across
 * processes, version-checked copies and removals keep moves safe.
 */
final class KeyLocks {
  private final ReentrantLock[] stripes;
  private final int mask;

  KeyLocks(int stripesPowerOfTwo) {
    stripes = new ReentrantLock[stripesPowerOfTwo];
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new ReentrantLock();
    }
    mask = stripesPowerOfTwo - 1;
  }

  ReentrantLock lockFor(String key) {
    int h = key.hashCode();
    h ^= h >>> 16;
    return stripes[h & mask];
  }
}
