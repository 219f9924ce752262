package io.tieredmemory.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.core.Operation;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.RequestResult;
import io.tieredmemory.core.StoreStats;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.metrics.MetricsOptions;
import io.tieredmemory.metrics.TieredMemoryMetrics;
import io.tieredmemory.testkit.ManualClock;
import io.tieredmemory.testkit.RecordingObserver;
import io.tieredmemory.testkit.ScriptedWorkload;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The scripted workload on Redis + PostgreSQL + Chroma gives the same results, moves and events as
 * on the in-process tiers.
 */
class WholeStoreIT {

  /** The item gauges of the last run, read just before the store closed. */
  private static final Map<String, Double> lastItems = new TreeMap<>();

  /** Counters of the last run, read just before the store closed. */
  private static final Map<String, Double> lastCounters = new TreeMap<>();

  /**
   * The item gauges once they show what the tiers hold: they refresh in the background (every 100
   * ms here), so wait up to 5 s for them to catch up with the workload's end.
   */
  private static Map<String, Double> awaitGauges(MeterRegistry registry, TieredMemory store)
      throws InterruptedException {
    StoreStats truth = store.stats();
    Map<String, Double> seen = new TreeMap<>();
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline) {
      seen.clear();
      boolean all = true;
      for (Tier t : Tier.values()) {
        double v = registry.get("tiered.memory.items").tags("tier", t.label()).gauge().value();
        seen.put(t.label(), v);
        all &= v == truth.tier(t).items();
      }
      if (all) {
        break;
      }
      Thread.sleep(50);
    }
    return seen;
  }

  private static Map<String, Long> run(
      TieredMemory.Builder builder, ManualClock clock, MeterRegistry registry)
      throws InterruptedException {
    RecordingObserver rec = new RecordingObserver();
    try (TieredMemory store = builder.clock(clock).observer(rec).build()) {
      ScriptedWorkload.Outcome out = ScriptedWorkload.run(store, clock);
      lastItems.clear();
      if (registry != null) {
        lastItems.putAll(awaitGauges(registry, store));
        // Read while the store is open: closing it removes its meters.
        lastCounters.put(
            "cold hits",
            registry
                .get("tiered.memory.requests")
                .tags("operation", "get", "tier", "cold", "result", "hit")
                .functionCounter()
                .count());
        lastCounters.put(
            "archives",
            registry.get("tiered.memory.movements").tags("to", "cold").counter().count());
        for (Tier t : Tier.values()) {
          double timed = 0;
          for (io.micrometer.core.instrument.Timer timer :
              registry.find("tiered.memory.backend.duration").tag("tier", t.label()).timers()) {
            timed += timer.count();
          }
          lastCounters.put("backend calls " + t.label(), timed);
        }
      }
      assertThat(out.problems()).isEmpty();
      assertThat(out.searchHits()).isEqualTo(5);
      StoreStats stats = store.stats();
      Map<String, Long> result = new TreeMap<>();
      // Backend timings exist only for remote tiers: compare everything else.
      rec.snapshot()
          .forEach(
              (k, v) -> {
                if (!k.startsWith("backend ")) {
                  result.put(k, v);
                }
              });
      for (Tier t : Tier.values()) {
        result.put("items " + t.label(), stats.tier(t).items());
      }
      result.put("first sweep demoted", (long) out.firstSweep().demoted());
      result.put("second sweep archived", (long) out.secondSweep().archived());
      result.put("sweep failures", (long) (out.firstSweep().failed() + out.secondSweep().failed()));
      return result;
    }
  }

  @Test
  void scriptedWorkload_onRealTiers_matchesInProcessTiersExactly() throws Exception {
    Map<String, Long> inProcess =
        run(
            TieredMemory.builder("scripted")
                .policy(ScriptedWorkload.policy())
                .readMoves(ReadMoves.CALLER) // the script counts each move as it happens
                .discoverObservers(false),
            new ManualClock(),
            null);

    try (RealTiers real = new RealTiers("whole")) {
      TierStore hot = real.hot();
      TierStore warm = real.warm();
      TierStore cold = real.cold();
      RecordingObserver backend = new RecordingObserver();
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Map<String, Long> onReal =
          run(
              TieredMemory.builder("scripted")
                  .policy(ScriptedWorkload.policy())
                  .readMoves(ReadMoves.CALLER) // the script counts each move as it happens
                  .discoverObservers(false)
                  .hot(hot)
                  .warm(warm)
                  .cold(cold)
                  .coordinator(real.coordinator())
                  .observer(
                      TieredMemoryMetrics.of(
                          registry,
                          Tags.empty(),
                          MetricsOptions.defaults().withStatsRefresh(Duration.ofMillis(100))))
                  .observer(backend),
              new ManualClock(),
              registry);

      assertThat(onReal).isEqualTo(inProcess);
      assertThat(onReal.get("items hot")).isEqualTo(ScriptedWorkload.FINAL_HOT);
      assertThat(onReal.get("items warm")).isEqualTo(ScriptedWorkload.FINAL_WARM);
      assertThat(onReal.get("items cold")).isEqualTo(ScriptedWorkload.FINAL_COLD);
      assertThat(onReal.get("sweep failures")).isZero();
      assertThat(inProcess.get("move warm->cold " + MoveReason.WARM_IDLE.label()))
          .isEqualTo(ScriptedWorkload.ARCHIVES);
      // Remote tiers report their backend calls; none failed.
      assertThat(backend.snapshot().keySet())
          .anyMatch(k -> k.startsWith("backend hot read success"));
      assertThat(backend.snapshot().keySet())
          .anyMatch(k -> k.startsWith("backend warm write success"));
      assertThat(backend.snapshot().keySet())
          .anyMatch(k -> k.startsWith("backend cold copy success"));
      // None of the workload's calls failed. A count is not one of them: the metrics binding's
      // thread refreshes the item gauges every 100 ms, concurrently, and a refresh that fails is
      // skipped by design (a loaded Chroma fails some; seen twice at load 8-11); the gauges'
      // final values are checked below.
      assertThat(backend.snapshot().keySet())
          .filteredOn(
              k ->
                  !k.startsWith("backend cold count ")
                      && !k.startsWith("backend warm count ")
                      && !k.startsWith("backend hot count "))
          .noneMatch(k -> k.endsWith(" error"));
      assertThat(backend.requests(Operation.GET, Tier.COLD, RequestResult.HIT))
          .isEqualTo(ScriptedWorkload.COLD_HITS);
      // The metrics saw the same: counters exact, and the item gauges equal what each real tier
      // held at the end (refreshed on the store's close path before its meters went away).
      assertThat(lastCounters)
          .containsEntry("cold hits", (double) ScriptedWorkload.COLD_HITS)
          .containsEntry("archives", (double) ScriptedWorkload.ARCHIVES);
      for (Tier t : Tier.values()) {
        assertThat(lastCounters.get("backend calls " + t.label()))
            .as("%s backend calls timed", t.label())
            .isPositive();
      }
      assertThat(lastItems)
          .containsEntry("hot", (double) ScriptedWorkload.FINAL_HOT)
          .containsEntry("warm", (double) ScriptedWorkload.FINAL_WARM)
          .containsEntry("cold", (double) ScriptedWorkload.FINAL_COLD);
    }
  }
}
