package io.tieredmemory.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tieredmemory.core.KindCount;
import io.tieredmemory.core.KindStats;
import io.tieredmemory.core.Kinds;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.StoreStats;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.metrics.TieredMemoryMetrics;
import io.tieredmemory.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Kinds on the real tiers (HOT Redis, WARM PostgreSQL, COLD Chroma): a scripted workload on a
 * manual clock, then each tier counted by kind exactly, the cap folding the small kinds into {@code
 * other}, and the metrics' kind gauges and movement counters agreeing.
 */
class KindsIT {
  private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

  @Test
  void kindsCountedExactlyWithTheCap_onTheRealTiers() throws Exception {
    ManualClock clock = new ManualClock(T0);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TieredMemoryMetrics metrics = TieredMemoryMetrics.of(registry);
    try (RealTiers tiers = new RealTiers("kinds");
        TieredMemory store =
            TieredMemory.builder("kinds-it")
                // counts kinds per tier right after the read that promotes
                .readMoves(ReadMoves.CALLER)
                .discoverObservers(false)
                .disableScheduledSweeps()
                .clock(clock)
                .policy(
                    TieringPolicy.custom()
                        .promoteAfter(2, Duration.ofMinutes(10))
                        .demoteWhenIdle(Duration.ofMinutes(5))
                        .hotCapacity(1000)
                        .archiveWhenIdle(Duration.ofMinutes(30))
                        .build())
                .kinds(Kinds.byMetadata("kind").max(3))
                .hot(tiers.hot())
                .warm(tiers.warm())
                .cold(tiers.cold())
                .embedder(tiers.embedder)
                .observer(metrics)
                .build()) {
      Map<String, Integer> sizes = new LinkedHashMap<>();
      sizes.put("alpha", 5);
      sizes.put("beta", 4);
      sizes.put("gamma", 3);
      for (int i = 0; i < 25; i++) {
        sizes.put("tail-" + i, 1);
      }
      Map<String, KindCount> written = new HashMap<>();
      List<String> alpha = new ArrayList<>();
      sizes.forEach(
          (kind, n) -> {
            for (int i = 0; i < n; i++) {
              Memory m = store.put(kind + "/" + i, "about " + kind + " " + i, Map.of("kind", kind));
              String label = kind.startsWith("tail-") ? Kinds.OTHER : kind;
              written.merge(label, new KindCount(1, m.sizeInBytes()), KindCount::plus);
              if (kind.equals("alpha")) {
                alpha.add(m.key());
              }
            }
          });
      for (int i = 0; i < 2; i++) {
        Memory m = store.put("loose/" + i, "no kind " + i, Map.of("source", "chat"));
        written.merge(Kinds.NONE, new KindCount(1, m.sizeInBytes()), KindCount::plus);
      }

      // Write-through: HOT and WARM hold every memory; the first count admits the three largest.
      KindStats first = store.kindStats();
      assertThat(first.kinds()).containsExactly("alpha", "beta", "gamma", "none", "other");
      for (Tier t : List.of(Tier.HOT, Tier.WARM)) {
        for (String k : first.kinds()) {
          assertThat(first.count(t, k)).as(t + " " + k).isEqualTo(written.get(k));
        }
      }
      assertThat(first.tiers().get(Tier.COLD).values()).allMatch(KindCount.ZERO::equals);

      clock.advance(Duration.ofMinutes(6));
      store.sweep(); // every HOT copy idle: demoted
      clock.advance(Duration.ofMinutes(31));
      for (String k : alpha) {
        store.get(k);
        store.get(k); // the second read promotes
      }
      store.sweep(); // all but alpha idle past 30 min: archived to Chroma

      KindStats after = store.kindStats();
      assertThat(after.kinds()).containsExactly("alpha", "beta", "gamma", "none", "other");
      for (String k : after.kinds()) {
        boolean hot = k.equals("alpha");
        assertThat(after.count(Tier.HOT, k))
            .as("hot " + k)
            .isEqualTo(hot ? written.get(k) : KindCount.ZERO);
        assertThat(after.count(Tier.WARM, k))
            .as("warm " + k)
            .isEqualTo(hot ? written.get(k) : KindCount.ZERO);
        assertThat(after.count(Tier.COLD, k))
            .as("cold " + k)
            .isEqualTo(hot ? KindCount.ZERO : written.get(k));
      }
      StoreStats stats = store.stats();
      for (Tier t : Tier.values()) {
        long items = after.tiers().get(t).values().stream().mapToLong(KindCount::items).sum();
        long bytes = after.tiers().get(t).values().stream().mapToLong(KindCount::bytes).sum();
        assertThat(items).as(t + " items").isEqualTo(stats.tier(t).items());
        assertThat(bytes).as(t + " bytes").isEqualTo(stats.tier(t).bytes());
      }

      // The metrics: one gauge per tier and kind, equal to the counts; movements by kind.
      metrics.refresh();
      assertThat(registry.find("tiered.memory.items").gauges()).hasSize(3 * 5);
      for (Gauge g : registry.find("tiered.memory.items").gauges()) {
        Tier t = Tier.valueOf(g.getId().getTag("tier").toUpperCase(java.util.Locale.ROOT));
        assertThat(g.value())
            .as(g.getId().toString())
            .isEqualTo((double) after.count(t, g.getId().getTag("kind")).items());
      }
      Map<String, Double> moved = new HashMap<>();
      for (Counter c : registry.find("tiered.memory.movements").counters()) {
        if (c.count() > 0) {
          moved.merge(
              c.getId().getTag("kind")
                  + " "
                  + c.getId().getTag("from")
                  + ">"
                  + c.getId().getTag("to"),
              c.count(),
              Double::sum);
        }
      }
      assertThat(moved)
          .containsOnly(
              Map.entry("alpha hot>warm", 5.0),
              Map.entry("beta hot>warm", 4.0),
              Map.entry("gamma hot>warm", 3.0),
              Map.entry("other hot>warm", 25.0),
              Map.entry("none hot>warm", 2.0),
              Map.entry("alpha warm>hot", 5.0),
              Map.entry("beta warm>cold", 4.0),
              Map.entry("gamma warm>cold", 3.0),
              Map.entry("other warm>cold", 25.0),
              Map.entry("none warm>cold", 2.0));
    }
  }
}
