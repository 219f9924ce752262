package io.tieredmemory.spring.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.tieredmemory.metrics.TieredMemoryMetrics;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Binds the auto-configured store to the application's {@link MeterRegistry} (Boot's, not
 * Micrometer's global one): one {@link TieredMemoryMetrics} per store, through a {@link
 * TieredMemoryBuilderCustomizer}. Ordered after Spring Boot's metrics auto-configuration (module
 * {@code spring-boot-micrometer-metrics}), so that the registry is defined when its presence is
 * checked.
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
public class TieredMemoryMetricsAutoConfiguration {

  /** Adds {@code TieredMemoryMetrics.of(registry)} to the store's observers. */
  @Bean
  public TieredMemoryBuilderCustomizer tieredMemoryMetricsCustomizer(MeterRegistry registry) {
    return builder -> builder.observer(TieredMemoryMetrics.of(registry));
  }
}
