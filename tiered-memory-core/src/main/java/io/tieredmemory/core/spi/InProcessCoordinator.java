package io.tieredmemory.core.spi;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Per-key locks for the threads of one process: a lock per key in use (not striped), created on
 * first use and dropped when its last holder or waiter leaves, so a thread waits only for the key
 * it asked for.
 */
final class InProcessCoordinator implements KeyCoordinator {

  /** One key's lock and the number of threads holding or waiting for it (guarded by the map). */
  private static final class Slot {
    final ReentrantLock lock = new ReentrantLock();
    int users;
  }

  private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();

  @Override
  public Lease lock(String key) {
    Slot slot =
        slots.compute(
            key,
            (k, s) -> {
              Slot held = s != null ? s : new Slot();
              held.users++;
              return held;
            });
    if (slot.lock.isHeldByCurrentThread()) {
      release(key, slot);
      // A PostgreSQL advisory lock taken twice from one thread uses two sessions and waits for
      // itself forever; failing here makes such a bug show in process, in tests.
      throw new IllegalStateException(
          "key '" + key + "' is already locked by this thread; key locks are not reentrant");
    }
    slot.lock.lock();
    return () -> {
      slot.lock.unlock();
      release(key, slot);
    };
  }

  private void release(String key, Slot slot) {
    slots.compute(key, (k, s) -> --slot.users == 0 ? null : slot);
  }

  /** Keys locked or waited for right now (for tests). */
  int inUse() {
    return slots.size();
  }

  @Override
  public boolean spansProcesses() {
    return false;
  }

  @Override
  public String toString() {
    return "KeyCoordinator.inProcess()";
  }
}
