package io.tieredmemory.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.core.TieredMemory;
import org.junit.jupiter.api.Test;

/**
 * Zero-config: with this module on the classpath and a Prometheus registry in Micrometer's global
 * registry, a store built with nothing but a name shows up in the scrape, and leaves it when
 * closed.
 */
class GlobalBindingTest {

  @Test
  void storeWithNoInstrumentationCode_appearsInGlobalPrometheusRegistry() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Metrics.addRegistry(prometheus);
    try (TieredMemory store = TieredMemory.builder("zero-config").build()) {
      store.put("k", "v");
      store.get("k");
      store.get("absent");
      String scrape = prometheus.scrape();
      assertThat(scrape)
          .contains(
              "tiered_memory_requests_total{operation=\"get\",result=\"hit\",store=\"zero-config\",tier=\"hot\"} 1.0")
          .contains(
              "tiered_memory_requests_total{operation=\"get\",result=\"miss\",store=\"zero-config\",tier=\"none\"} 1.0")
          .contains("tiered_memory_items{store=\"zero-config\",tier=\"warm\"}");
      store.close();
      assertThat(prometheus.scrape()).doesNotContain("store=\"zero-config\"");
      // The name is free again: a new store of that name binds and is exported.
      try (TieredMemory again = TieredMemory.builder("zero-config").build()) {
        again.put("k", "v");
        assertThat(prometheus.scrape())
            .contains(
                "tiered_memory_requests_total{operation=\"put\",result=\"success\",store=\"zero-config\",tier=\"warm\"} 1.0");
      }
    } finally {
      Metrics.removeRegistry(prometheus);
    }
  }

  @Test
  void explicitBinding_isNotDoubledByTheGlobalOne() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Metrics.addRegistry(prometheus);
    try (TieredMemory store =
        TieredMemory.builder("explicit").observer(TieredMemoryMetrics.of(prometheus)).build()) {
      store.put("k", "v");
      store.get("k");
      assertThat(prometheus.scrape())
          .contains(
              "tiered_memory_requests_total{operation=\"get\",result=\"hit\",store=\"explicit\",tier=\"hot\"} 1.0");
    } finally {
      Metrics.removeRegistry(prometheus);
    }
  }
}
