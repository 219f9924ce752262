package io.tieredmemory.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.testkit.ManualClock;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Series never carry keys: 100,000 distinct keys give exactly the series 10 keys give. */
class CardinalityTest {

  private static Set<String> seriesAfter(int keys) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ManualClock clock = new ManualClock();
    try (TieredMemory store =
        TieredMemory.builder("cardinality")
            .clock(clock)
            .discoverObservers(false)
            .policy(
                TieringPolicy.custom()
                    .promoteAfter(1, Duration.ofMinutes(1))
                    .demoteWhenIdle(Duration.ofMinutes(1))
                    .archiveWhenIdle(Duration.ofMinutes(2))
                    .hotCapacity(5)
                    .maxMovesPerSweep(1_000_000)
                    .build())
            .observer(TieredMemoryMetrics.of(registry))
            .build()) {
      for (int i = 0; i < keys; i++) {
        store.put("user:" + i + ":fact", "fact " + i);
      }
      store.sweep();
      for (int i = 0; i < keys; i++) {
        store.get("user:" + i + ":fact");
        store.get("missing:" + i);
      }
      clock.advance(Duration.ofMinutes(5));
      store.sweep();
      for (int i = 0; i < keys; i += Math.max(1, keys / 10)) {
        store.get("user:" + i + ":fact");
      }
      store.search("fact 7", 3);
      String scrape = registry.scrape();
      assertThat(scrape).doesNotContain("user:");
      Set<String> series = new TreeSet<>();
      for (String line : scrape.split("\n")) {
        if (!line.startsWith("#") && !line.isBlank()) {
          series.add(line.substring(0, line.lastIndexOf(' ')));
        }
      }
      return series;
    }
  }

  @Test
  void series_sameFor100kKeysAsFor10() {
    Set<String> few = seriesAfter(10);
    Set<String> many = seriesAfter(100_000);
    assertThat(many).isEqualTo(few);
    assertThat(few).hasSizeGreaterThan(50).hasSizeLessThan(2_000);
  }
}
