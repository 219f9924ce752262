package io.tieredmemory.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tieredmemory.core.TieredMemory;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** tiered-memory.metrics.*: names, tags, buckets of each store's meters. */
class TieredMemoryMetricsPropertiesTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  TieredMemoryMetricsAutoConfiguration.class, TieredMemoryAutoConfiguration.class))
          .withUserConfiguration(Registry.class);

  @Test
  void prefixTagsAndBucketsAreApplied() {
    runner
        .withPropertyValues(
            "tiered-memory.name=agent",
            "tiered-memory.metrics.prefix=agent.memory",
            "tiered-memory.metrics.tags.team=search",
            "tiered-memory.metrics.request-buckets=1ms,10ms,100ms")
        .run(
            ctx -> {
              ctx.getBean(TieredMemory.class).put("k", "v", Map.of());
              MeterRegistry registry = ctx.getBean(MeterRegistry.class);
              assertThat(registry.find("tiered.memory.requests").meters()).isEmpty();
              assertThat(
                      registry
                          .get("agent.memory.requests")
                          .tag("store", "agent")
                          .tag("team", "search")
                          .tag("operation", "put")
                          .tag("result", "success")
                          .functionCounter()
                          .count())
                  .isEqualTo(1.0);
              Timer latency =
                  registry
                      .get("agent.memory.request.duration")
                      .tag("operation", "put")
                      .tag("team", "search")
                      .timer();
              assertThat(
                      Arrays.stream(latency.takeSnapshot().histogramCounts())
                          .map(CountAtBucket::bucket)
                          .toList())
                  .containsExactly(1e6, 1e7, 1e8);
            });
  }

  @Test
  void nativeHistogramsProperty_reachesTheOptions_offByDefault() {
    TieredMemoryMetricsProperties p = new TieredMemoryMetricsProperties();
    assertThat(TieredMemoryMetricsAutoConfiguration.options(p).nativeHistograms()).isFalse();
    assertThat(TieredMemoryMetricsAutoConfiguration.options(p).requestBuckets())
        .as("unset: fitted to each store's tiers")
        .isNull();
    p.setNativeHistograms(true);
    assertThat(TieredMemoryMetricsAutoConfiguration.options(p).nativeHistograms()).isTrue();
  }

  @Test
  void refusedValuesNameTheirProperty() {
    runner
        .withPropertyValues("tiered-memory.metrics.prefix=Agent Memory")
        .run(
            ctx ->
                assertThat(analysis(ctx.getStartupFailure()).getDescription())
                    .contains("'tiered-memory.metrics.prefix'", "'Agent Memory'"));
    runner
        .withPropertyValues("tiered-memory.metrics.request-buckets=10ms,1ms")
        .run(
            ctx ->
                assertThat(analysis(ctx.getStartupFailure()).getDescription())
                    .contains("'tiered-memory.metrics.request-buckets'", "increasing"));
    runner
        .withPropertyValues("tiered-memory.metrics.timing-sample=0")
        .run(
            ctx ->
                assertThat(analysis(ctx.getStartupFailure()).getDescription())
                    .contains("'tiered-memory.metrics.timing-sample'", "'0'"));
    runner
        .withPropertyValues("tiered-memory.metrics.tags.store=x")
        .run(
            ctx ->
                assertThat(analysis(ctx.getStartupFailure()).getDescription())
                    .contains("'tiered-memory.metrics.tags.store'"));
  }

  @Test
  void timingSampleOne_timesEveryGet_whileTheDefaultSamples() {
    runner
        .withPropertyValues("tiered-memory.name=every", "tiered-memory.metrics.timing-sample=1")
        .run(
            ctx -> {
              TieredMemory store = ctx.getBean(TieredMemory.class);
              store.put("k", "v", Map.of());
              for (int i = 0; i < 200; i++) {
                store.get("k");
              }
              MeterRegistry registry = ctx.getBean(MeterRegistry.class);
              assertThat(
                      registry
                          .get("tiered.memory.request.duration")
                          .tag("operation", "get")
                          .timer()
                          .count())
                  .isEqualTo(200);
            });
    runner
        .withPropertyValues("tiered-memory.name=sampled")
        .run(
            ctx -> {
              TieredMemory store = ctx.getBean(TieredMemory.class);
              store.put("k", "v", Map.of());
              for (int i = 0; i < 12_800; i++) {
                store.get("k");
              }
              MeterRegistry registry = ctx.getBean(MeterRegistry.class);
              assertThat(
                      registry
                          .get("tiered.memory.requests")
                          .tags("operation", "get", "tier", "hot", "result", "hit")
                          .functionCounter()
                          .count())
                  .isEqualTo(12_800);
              // Binomial(12,800, 1/128): mean 100, standard deviation ~10.
              assertThat(
                      registry
                          .get("tiered.memory.request.duration")
                          .tag("operation", "get")
                          .timer()
                          .count())
                  .isBetween(30L, 200L);
            });
  }

  private static FailureAnalysis analysis(Throwable failure) {
    FailureAnalysis a = new TieredMemoryFailureAnalyzer().analyze(failure);
    assertThat(a).as("analysis of %s", failure).isNotNull();
    return a;
  }

  @Configuration(proxyBeanMethods = false)
  static class Registry {
    @Bean
    SimpleMeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }
}
