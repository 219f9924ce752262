package io.tieredmemory.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.core.KindCount;
import io.tieredmemory.core.KindStats;
import io.tieredmemory.core.Kinds;
import io.tieredmemory.core.StoreStats;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.testkit.ManualClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The {@code kind} tag: bounded by the cap whatever the data, and exact. */
class KindsMetricsTest {
  private static final int CAP = 20;

  /**
   * 100,000 memories of 1,000 kinds, moved every way a memory moves: each meter with a kind tag has
   * at most cap + 2 kind values per tier (or per way of moving), and the kind gauges add up to the
   * tier counts.
   */
  @Test
  void hundredThousandMemoriesOfAThousandKindsStayWithinTheCap() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ManualClock clock = new ManualClock();
    TieredMemoryMetrics metrics = TieredMemoryMetrics.of(registry);
    try (TieredMemory store =
        TieredMemory.builder("kinds")
            .clock(clock)
            .discoverObservers(false)
            .disableScheduledSweeps()
            .kinds(Kinds.byMetadata("kind").max(CAP))
            .policy(
                TieringPolicy.custom()
                    .promoteAfter(1, Duration.ofMinutes(1))
                    .demoteWhenIdle(Duration.ofMinutes(1))
                    .archiveWhenIdle(Duration.ofMinutes(2))
                    .hotCapacity(5)
                    .maxMovesPerSweep(1_000_000)
                    .build())
            .observer(metrics)
            .build()) {
      int n = 100_000;
      for (int i = 0; i < n; i++) {
        store.put("m" + i, "fact " + i, Map.of("kind", "kind-" + (i % 1000)));
      }
      store.sweep(); // HOT over capacity: demotions of every kind
      for (int i = 0; i < n; i += 7) {
        store.get("m" + i); // promotions
      }
      clock.advance(Duration.ofMinutes(5));
      store.sweep(); // idle demotions and archives
      for (int i = 0; i < n; i += 101) {
        store.get("m" + i); // rehydrations
      }
      metrics.refresh();

      for (String name : Set.of("tiered.memory.items", "tiered.memory.bytes")) {
        Map<String, Set<String>> kindsByTier = new HashMap<>();
        for (Meter m : registry.find(name).meters()) {
          kindsByTier
              .computeIfAbsent(m.getId().getTag("tier"), t -> new HashSet<>())
              .add(m.getId().getTag("kind"));
        }
        assertThat(kindsByTier).as(name).containsOnlyKeys("hot", "warm", "cold");
        kindsByTier.values().forEach(k -> assertThat(k).hasSize(CAP + 2).doesNotContainNull());
        assertThat(registry.find(name).meters()).hasSize(3 * (CAP + 2));
      }
      Map<String, Set<String>> kindsByMove = new HashMap<>();
      Set<String> movedKinds = new HashSet<>();
      for (Counter c : registry.find("tiered.memory.movements").counters()) {
        String way =
            c.getId().getTag("from")
                + ">"
                + c.getId().getTag("to")
                + ":"
                + c.getId().getTag("reason");
        kindsByMove.computeIfAbsent(way, w -> new HashSet<>()).add(c.getId().getTag("kind"));
        if (c.count() > 0) {
          movedKinds.add(c.getId().getTag("kind"));
        }
      }
      kindsByMove.values().forEach(k -> assertThat(k).hasSizeLessThanOrEqualTo(CAP + 2));
      assertThat(registry.find("tiered.memory.movements").counters()).hasSize(6 * (CAP + 2));
      assertThat(movedKinds).contains(Kinds.OTHER).hasSizeGreaterThan(CAP);

      // Prometheus sees the same: no more than cap + 2 values of the kind label in all.
      Set<String> kindValues = new HashSet<>();
      Matcher m = Pattern.compile("kind=\"([^\"]*)\"").matcher(registry.scrape());
      while (m.find()) {
        kindValues.add(m.group(1));
      }
      assertThat(kindValues).hasSize(CAP + 2).contains(Kinds.NONE, Kinds.OTHER);

      // Exact: the kind gauges of each tier add up to the tier's count, and match kindStats().
      StoreStats stats = store.stats();
      KindStats kinds = store.kindStats();
      for (Tier t : Tier.values()) {
        double items = 0;
        for (Gauge g : registry.find("tiered.memory.items").tag("tier", t.label()).gauges()) {
          items += g.value();
          KindCount c = kinds.count(t, g.getId().getTag("kind"));
          assertThat(g.value()).isEqualTo((double) c.items());
        }
        assertThat(items).as(t.label()).isEqualTo((double) stats.tier(t).items());
      }
      assertThat(stats.tier(Tier.WARM).items() + stats.tier(Tier.COLD).items()).isEqualTo(n);
      // 100 memories of each kind: each admitted kind holds 100, other the rest.
      for (String k : kinds.kinds()) {
        long total = kinds.count(Tier.WARM, k).items() + kinds.count(Tier.COLD, k).items();
        long expected = k.equals(Kinds.NONE) ? 0 : k.equals(Kinds.OTHER) ? n - CAP * 100L : 100;
        assertThat(total).as(k).isEqualTo(expected);
      }
    }
  }

  /** The stats document gains the kinds: per tier per kind, and movements by kind. */
  @Test
  void statsJsonShowsKindsByTierAndTheirMovements() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ManualClock clock = new ManualClock();
    TieredMemoryMetrics metrics = TieredMemoryMetrics.of(registry);
    try (TieredMemory store =
        TieredMemory.builder("kinds-json")
            .clock(clock)
            .discoverObservers(false)
            .disableScheduledSweeps()
            .kinds(Kinds.byKeyPrefix(":").max(2))
            .policy(
                TieringPolicy.custom()
                    .demoteWhenIdle(Duration.ofMinutes(1))
                    .archiveWhenIdle(Duration.ofMinutes(2))
                    .build())
            .observer(metrics)
            .build()) {
      store.put("doc:1", "a");
      store.put("doc:2", "b");
      store.put("user:1", "c");
      store.put("chat:1", "d");
      store.put("loose", "e");
      metrics.refresh(); // admits doc (2 memories), then chat (1, first by name)
      clock.advance(Duration.ofMinutes(5));
      store.sweep(); // everything demoted and archived
      metrics.refresh();
      String json = LiveView.statsJson(registry, MetricNames.defaults(), List.of(store), 0);
      assertThat(json)
          .contains("\"warm\":{\"kind\":\"in-process\",\"items\":0,")
          .contains("\"cold\":{\"kind\":\"in-process\",\"items\":5,")
          .contains("\"kinds\":{\"labels\":[\"doc\",\"chat\",\"none\",\"other\"]")
          .contains(
              "\"cold\":{\"doc\":{\"items\":2,\"bytes\":12},\"chat\":{\"items\":1,\"bytes\":7},"
                  + "\"none\":{\"items\":1,\"bytes\":6},\"other\":{\"items\":1,\"bytes\":7}}")
          .contains("{\"kind\":\"doc\",\"from\":\"warm\",\"to\":\"cold\",\"count\":2}")
          .contains("{\"kind\":\"other\",\"from\":\"hot\",\"to\":\"warm\",\"count\":1}")
          .contains("{\"from\":\"warm\",\"to\":\"cold\",\"reason\":\"warm_idle\",\"count\":5}");
    }
  }

  /** Without kinds, no meter has a kind tag: existing series are unchanged. */
  @Test
  void withoutKindsNoSeriesHasAKindTag() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (TieredMemory store =
        TieredMemory.builder("nokinds")
            .discoverObservers(false)
            .disableScheduledSweeps()
            .observer(TieredMemoryMetrics.of(registry))
            .build()) {
      store.put("a", "b", Map.of("kind", "doc"));
      assertThat(registry.scrape()).doesNotContain("kind=");
      assertThat(registry.find("tiered.memory.items").gauges()).hasSize(3);
      assertThat(registry.find("tiered.memory.movements").counters()).hasSize(6);
    }
  }
}
