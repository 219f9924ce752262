package io.tieredmemory.metrics;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The one daemon thread that refreshes every bound store's item and byte gauges. */
final class StatsRefresher {
  static final ScheduledExecutorService SCHEDULER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "tiered-memory-metrics-refresh");
            t.setDaemon(true);
            return t;
          });

  private StatsRefresher() {}
}
