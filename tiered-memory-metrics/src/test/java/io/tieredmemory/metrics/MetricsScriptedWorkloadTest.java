package io.tieredmemory.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.StoreStats;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.testkit.ManualClock;
import io.tieredmemory.testkit.ScriptedWorkload;
import org.junit.jupiter.api.Test;

/** The scripted workload's every count, read back from the meters. */
class MetricsScriptedWorkloadTest {

  /** A counter's count: {@code requests} is a function counter, the others plain counters. */
  static double count(MeterRegistry r, String name, String... tags) {
    return r.get(name).tags(tags).meter().measure().iterator().next().getValue();
  }

  static long timerCount(MeterRegistry r, String name, String... tags) {
    return r.get(name).tags(tags).timer().count();
  }

  @Test
  void scriptedWorkload_everyCounterTimerAndGaugeIsExact() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ManualClock clock = new ManualClock();
    // Every get timed (timingSample 1), so the timer's counts are exact too.
    TieredMemoryMetrics metrics =
        TieredMemoryMetrics.of(
            registry, Tags.empty(), MetricsOptions.defaults().withTimingSample(1));
    try (TieredMemory store =
        TieredMemory.builder("scripted")
            .clock(clock)
            .policy(ScriptedWorkload.policy())
            .readMoves(ReadMoves.CALLER) // the script counts each move as it happens
            .discoverObservers(false)
            .observer(metrics)
            .build()) {
      ScriptedWorkload.Outcome out = ScriptedWorkload.run(store, clock);
      assertThat(out.problems()).isEmpty();
      String r = "tiered.memory.requests";
      String[] s = {"store", "scripted"};

      assertThat(
              count(registry, r, tags(s, "operation", "put", "tier", "warm", "result", "success")))
          .isEqualTo(ScriptedWorkload.PUTS);
      assertThat(count(registry, r, tags(s, "operation", "get", "tier", "hot", "result", "hit")))
          .isEqualTo(ScriptedWorkload.HOT_HITS);
      assertThat(count(registry, r, tags(s, "operation", "get", "tier", "warm", "result", "hit")))
          .isEqualTo(ScriptedWorkload.WARM_HITS);
      assertThat(count(registry, r, tags(s, "operation", "get", "tier", "cold", "result", "hit")))
          .isEqualTo(ScriptedWorkload.COLD_HITS);
      assertThat(count(registry, r, tags(s, "operation", "get", "tier", "none", "result", "miss")))
          .isEqualTo(ScriptedWorkload.MISSES);
      assertThat(count(registry, r, tags(s, "operation", "get", "tier", "none", "result", "error")))
          .isZero();
      assertThat(
              count(
                  registry, r, tags(s, "operation", "delete", "tier", "warm", "result", "success")))
          .isEqualTo(ScriptedWorkload.DELETES);
      assertThat(registry.get(r).tags(s).tag("operation", "search").functionCounters())
          .extracting(c -> c.count())
          .containsOnlyOnce(1.0);

      String m = "tiered.memory.movements";
      assertThat(
              count(registry, m, tags(s, "from", "warm", "to", "hot", "reason", "read_frequency")))
          .isEqualTo(ScriptedWorkload.PROMOTIONS);
      assertThat(count(registry, m, tags(s, "from", "hot", "to", "warm", "reason", "hot_idle")))
          .isEqualTo(ScriptedWorkload.DEMOTIONS_IDLE);
      assertThat(count(registry, m, tags(s, "from", "hot", "to", "warm", "reason", "hot_capacity")))
          .isZero();
      assertThat(count(registry, m, tags(s, "from", "warm", "to", "cold", "reason", "warm_idle")))
          .isEqualTo(ScriptedWorkload.ARCHIVES);
      assertThat(count(registry, m, tags(s, "from", "cold", "to", "warm", "reason", "cold_read")))
          .isEqualTo(ScriptedWorkload.REHYDRATIONS);

      String d = "tiered.memory.request.duration";
      assertThat(timerCount(registry, d, tags(s, "operation", "get")))
          .isEqualTo(ScriptedWorkload.GETS);
      assertThat(timerCount(registry, d, tags(s, "operation", "put")))
          .isEqualTo(ScriptedWorkload.PUTS);
      assertThat(timerCount(registry, d, tags(s, "operation", "delete")))
          .isEqualTo(ScriptedWorkload.DELETES);
      assertThat(timerCount(registry, d, tags(s, "operation", "search")))
          .isEqualTo(ScriptedWorkload.SEARCHES);
      String md = "tiered.memory.movement.duration";
      assertThat(timerCount(registry, md, tags(s, "from", "warm", "to", "cold")))
          .isEqualTo(ScriptedWorkload.ARCHIVES);
      assertThat(
              timerCount(registry, "tiered.memory.sweep.duration", tags(s, "outcome", "success")))
          .isEqualTo(ScriptedWorkload.SWEEPS);
      assertThat(registry.get("tiered.memory.search.top.similarity").summary().count())
          .isEqualTo(1);
      // In-process tiers are never timed as backends.
      assertThat(registry.find("tiered.memory.backend.duration").meters()).isEmpty();

      metrics.refresh();
      StoreStats stats = store.stats();
      for (Tier t : Tier.values()) {
        assertThat(
                registry
                    .get("tiered.memory.items")
                    .tags(tags(s, "tier", t.label()))
                    .gauge()
                    .value())
            .isEqualTo(stats.tier(t).items());
        assertThat(
                registry
                    .get("tiered.memory.bytes")
                    .tags(tags(s, "tier", t.label()))
                    .gauge()
                    .value())
            .isEqualTo(stats.tier(t).bytes());
      }
      assertThat(stats.tier(Tier.COLD).items()).isEqualTo(ScriptedWorkload.FINAL_COLD);

      String scrape = registry.scrape();
      assertThat(scrape)
          .contains(
              "tiered_memory_requests_total{operation=\"get\",result=\"hit\",store=\"scripted\",tier=\"hot\"} 200.0")
          .contains(
              "tiered_memory_movements_total{from=\"warm\",reason=\"warm_idle\",store=\"scripted\",to=\"cold\"} 80.0")
          .contains("tiered_memory_items{store=\"scripted\",tier=\"cold\"} 60.0");
    }
    assertThat(registry.find("tiered.memory.requests").meters())
        .as("closing the store removes its meters")
        .isEmpty();
  }

  static String[] tags(String[] base, String... more) {
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }
}
