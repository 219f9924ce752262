package io.tieredmemory.core;

import io.tieredmemory.core.spi.KeyCoordinator;
import java.util.Collection;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Per-key mutual exclusion. {@link #local} serialises one key's writes and moves within this
 * process (striped locks); {@link #exclusive} also takes the {@link KeyCoordinator}'s lock, so
 * moves and deletes are serialised across every process sharing the tiers; {@link #exclusiveAll}
 * does the same for a batch of keys. Reads take no lock.
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

  /** Held locks of a batch of keys; close to release them all. */
  static final class HeldAll implements AutoCloseable {
    private final ReentrantLock[] locals;
    private final KeyCoordinator.Lease lease;

    private HeldAll(ReentrantLock[] locals, KeyCoordinator.Lease lease) {
      this.locals = locals;
      this.lease = lease;
    }

    @Override
    public void close() {
      try {
        lease.close();
      } finally {
        unlock(locals, locals.length);
      }
    }
  }

  /**
   * {@link #exclusive} for a batch: this process's stripes of all {@code keys}, then the
   * coordinator's locks of all of them ({@link KeyCoordinator#lockAll}, one round trip for a shared
   * coordinator).
   *
   * <p>Deadlock-free against single-key lockers and other batches: stripes are taken in ascending
   * index order (each once, however many keys share it), and every locker takes its stripes before
   * any coordinator lock, so no thread of this process waits for a stripe while holding a
   * coordinator lock. The coordinator orders its own locks canonically across processes.
   *
   * <p>While held, puts of any key sharing one of these stripes wait, so a batch should be a
   * sweep's batch, not the whole tier.
   */
  HeldAll exclusiveAll(Collection<String> keys) {
    TreeSet<Integer> order = new TreeSet<>();
    for (String key : keys) {
      order.add(index(key));
    }
    ReentrantLock[] held = new ReentrantLock[order.size()];
    int n = 0;
    try {
      for (int i : order) {
        stripes[i].lock();
        held[n++] = stripes[i];
      }
      return new HeldAll(held, coordinator.lockAll(keys));
    } catch (RuntimeException | Error e) {
      unlock(held, n);
      throw e;
    }
  }

  private static void unlock(ReentrantLock[] held, int n) {
    for (int i = n - 1; i >= 0; i--) {
      held[i].unlock();
    }
  }

  private ReentrantLock stripe(String key) {
    return stripes[index(key)];
  }

  private int index(String key) {
    int h = key.hashCode();
    h ^= h >>> 16;
    return h & mask;
  }
}
