package io.tieredmemory.testkit.interleavings;

import io.tieredmemory.core.spi.KeyCoordinator;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-key locks whose waiting goes through the {@link Scheduler}: the coordinator of the store
 * instances under test. Shared by two instances it stands for a coordinator across processes
 * ({@code spansProcesses} true); given to one instance only, for the in-process default.
 */
final class ScheduledCoordinator implements KeyCoordinator {
  private final Scheduler scheduler;
  private final boolean spansProcesses;
  private final Map<String, Scheduler.Mutex> locks = new HashMap<>();

  ScheduledCoordinator(Scheduler scheduler, boolean spansProcesses) {
    this.scheduler = scheduler;
    this.spansProcesses = spansProcesses;
  }

  @Override
  public Lease lock(String key) {
    Scheduler.Mutex m;
    synchronized (locks) {
      m = locks.computeIfAbsent(key, k -> scheduler.new Mutex("lock of " + k));
    }
    m.lock();
    return m::unlock;
  }

  @Override
  public boolean spansProcesses() {
    return spansProcesses;
  }
}
