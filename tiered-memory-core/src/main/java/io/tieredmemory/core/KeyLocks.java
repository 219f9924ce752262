package io.tieredmemory.core;

import io.tieredmemory.core.spi.KeyCoordinator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The store's side of per-key locking: every change of a key (put, delete, each move) runs while
 * holding the {@link KeyCoordinator}'s lock of that key, which excludes every other thread and,
 * with a shared coordinator, every other process. Reads take no lock.
 *
 * <p>A {@link Held} lock also defers signals: observers are told about what happened under the lock
 * only after it is released, so a slow observer never holds up a writer of that key.
 */
final class KeyLocks {
  private final KeyCoordinator coordinator;

  KeyLocks(KeyCoordinator coordinator) {
    this.coordinator = coordinator;
  }

  /** Whether the locks exclude other processes (see {@link KeyCoordinator#spansProcesses()}). */
  boolean shared() {
    return coordinator.spansProcesses();
  }

  /** Locks one key; the coordinator's exception if it cannot. */
  Held lock(String key) {
    return new Held(coordinator.lock(key));
  }

  /** Locks every key of a batch (see {@link KeyCoordinator#lockAll}). */
  Held lockAll(Collection<String> keys) {
    return new Held(coordinator.lockAll(keys));
  }

  @Override
  public String toString() {
    return coordinator.toString();
  }

  /** A held lock, with the signals to send once it is released. */
  static final class Held implements AutoCloseable {
    private final KeyCoordinator.Lease lease;
    private @Nullable List<Runnable> after;

    private Held(KeyCoordinator.Lease lease) {
      this.lease = lease;
    }

    /** Runs {@code signal} after the lock is released (signals are guarded: they never throw). */
    void afterRelease(Runnable signal) {
      if (after == null) {
        after = new ArrayList<>(4);
      }
      after.add(signal);
    }

    @Override
    public void close() {
      lease.close();
      if (after != null) {
        for (Runnable r : after) {
          r.run();
        }
      }
    }
  }
}
