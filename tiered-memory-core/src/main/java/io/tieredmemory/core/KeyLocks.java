package io.tieredmemory.core;

import io.tieredmemory.core.spi.KeyCoordinator;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Per-key mutual exclusion. {@link #local} serialises one key's writes and moves within this
 * process (striped locks); {@link #exclusive} also takes the {@link KeyCoordinator}'s lock, so
 * moves and deletes are serialised across every process sharing the tiers. Reads take no lock.
 */
final class KeyLocks {
  private final ReentrantLock[] stripes;
  private final int mask;
  private final KeyCoordinator coordinator;

  KeyLocks(int stripesPowerOfTwo, KeyCoordinator coordinator) {
    stripes = new ReentrantLock[stripesPowerOfTwo];
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new ReentrantLock();
    }
    mask = stripesPowerOfTwo - 1;
    this.coordinator = coordinator;
  }

  /** A held lock; close to release. */
  static final class Held implements AutoCloseable {
    private final ReentrantLock local;
    private final KeyCoordinator.Lease lease;

    private Held(ReentrantLock local, KeyCoordinator.Lease lease) {
      this.local = local;
      this.lease = lease;
    }

    @Override
    public void close() {
      try {
        if (lease != null) {
          lease.close();
        }
      } finally {
        local.unlock();
      }
    }
  }

  /** This process only: for puts, which versions keep safe against other processes. */
  Held local(String key) {
    ReentrantLock lock = stripe(key);
    lock.lock();
    return new Held(lock, null);
  }

  /** This process and every other one sharing the tiers: for moves and deletes. */
  Held exclusive(String key) {
    ReentrantLock lock = stripe(key);
    lock.lock();
    try {
      return new Held(lock, coordinator.lock(key));
    } catch (RuntimeException | Error e) {
      lock.unlock();
      throw e;
    }
  }

  private ReentrantLock stripe(String key) {
    int h = key.hashCode();
    h ^= h >>> 16;
    return stripes[h & mask];
  }
}
