package io.tieredmemory.spring.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.tieredmemory.metrics.MetricNames;
import io.tieredmemory.metrics.MetricsOptions;
import io.tieredmemory.metrics.TieredMemoryMetrics;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Binds each auto-configured store to the application's {@link MeterRegistry} (Boot's, not
 * Micrometer's global one): one {@link TieredMemoryMetrics} per store, through a {@link
 * TieredMemoryBuilderCustomizer}, with the options of {@link TieredMemoryMetricsProperties}.
 * Ordered after Spring Boot's metrics auto-configuration (module {@code
 * spring-boot-micrometer-metrics}), so that the registry is defined when its presence is checked.
 */
@AutoConfiguration(
    before = TieredMemoryAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration"
    })
@ConditionalOnClass({MeterRegistry.class, TieredMemoryMetrics.class})
@ConditionalOnBean(MeterRegistry.class)
@EnableConfigurationProperties(TieredMemoryMetricsProperties.class)
public class TieredMemoryMetricsAutoConfiguration {
  private static final String PREFIX = "tiered-memory.metrics";

  /** Adds {@code TieredMemoryMetrics.of(registry, tags, options)} to each store's observers. */
  @Bean
  public TieredMemoryBuilderCustomizer tieredMemoryMetricsCustomizer(
      MeterRegistry registry, TieredMemoryMetricsProperties properties) {
    MetricsOptions options = options(properties);
    Tags tags = tags(properties);
    return builder -> builder.observer(TieredMemoryMetrics.of(registry, tags, options));
  }

  /** The options {@code p} describes; a refused value names its property. */
  static MetricsOptions options(TieredMemoryMetricsProperties p) {
    // Each value is checked on its own (by the same constructor), so that a refusal names it.
    MetricsOptions d = MetricsOptions.defaults();
    MetricNames names = checked("prefix", p.getPrefix(), () -> new MetricNames(p.getPrefix()));
    Duration refresh = p.getStatsRefresh();
    checked("stats-refresh", refresh, () -> d.withStatsRefresh(refresh));
    List<Duration> request = p.getRequestBuckets();
    if (request != null) {
      checked("request-buckets", request, () -> d.withRequestBuckets(request));
    }
    List<Duration> backend = p.getBackendBuckets();
    if (backend != null) {
      checked("backend-buckets", backend, () -> d.withBackendBuckets(backend));
    }
    int sample = p.getTimingSample();
    checked("timing-sample", sample, () -> d.withTimingSample(sample));
    return new MetricsOptions(
        names,
        request != null ? request : d.requestBuckets(),
        backend != null ? backend : d.backendBuckets(),
        refresh,
        sample,
        p.isNativeHistograms());
  }

  static Tags tags(TieredMemoryMetricsProperties p) {
    Tags tags = Tags.empty();
    for (var e : p.getTags().entrySet()) {
      if (e.getKey().equals("store")) {
        throw new InvalidTieredMemoryPropertyException(
            PREFIX + ".tags.store",
            e.getValue(),
            new IllegalArgumentException("the store tag is the store's name; choose another key"));
      }
      tags = tags.and(Tag.of(e.getKey(), e.getValue()));
    }
    return tags;
  }

  private static <T> T checked(String property, Object value, Supplier<T> step) {
    try {
      return step.get();
    } catch (IllegalArgumentException e) {
      throw new InvalidTieredMemoryPropertyException(PREFIX + "." + property, value, e);
    }
  }
}
