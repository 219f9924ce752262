package io.tieredmemory.spring.autoconfigure;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.tieredmemory.metrics.TieredMemoryObservations;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Makes every get, put, delete, search, movement and sweep of each store a Micrometer {@code
 * Observation} in the application's {@link ObservationRegistry} (Spring Boot's, from module {@code
 * spring-boot-micrometer-observation}, brought by Actuator): with Micrometer Tracing (for example
 * {@code spring-boot-starter-opentelemetry}), spans named and attributed after OpenTelemetry's
 * GenAI memory conventions. One {@link TieredMemoryObservations} per store, through a {@link
 * TieredMemoryBuilderCustomizer}. Off with {@code tiered-memory.observations.enabled=false}; the
 * memory's key becomes a span attribute only with {@code
 * tiered-memory.observations.record-ids=true}. With a Micrometer Tracing {@code Tracer} bean,
 * {@code Recalled} events carry the current trace id.
 */
@AutoConfiguration(
    before = TieredMemoryAutoConfiguration.class,
    afterName =
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass({ObservationRegistry.class, TieredMemoryObservations.class})
@ConditionalOnBean(ObservationRegistry.class)
@ConditionalOnBooleanProperty(name = "tiered-memory.observations.enabled", matchIfMissing = true)
@EnableConfigurationProperties(TieredMemoryObservationProperties.class)
public class TieredMemoryObservationAutoConfiguration {

  /** Adds a {@link TieredMemoryObservations} on the application's registry to each store. */
  @Bean
  public TieredMemoryBuilderCustomizer tieredMemoryObservationsCustomizer(
      ObservationRegistry registry, TieredMemoryObservationProperties properties) {
    return builder ->
        builder.observer(
            TieredMemoryObservations.builder(registry).recordIds(properties.isRecordIds()).build());
  }

  /**
   * With Micrometer Tracing and a {@link Tracer} bean: each store's {@code Recalled} events carry
   * the current trace id (that of the search's or read's own span, whose parent is the caller's).
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(Tracer.class)
  static class TraceIds {
    /** Gives each store the application's tracer as its source of trace ids, if there is one. */
    @Bean
    TieredMemoryBuilderCustomizer tieredMemoryTraceIdsCustomizer(ObjectProvider<Tracer> tracers) {
      return builder -> {
        Tracer tracer = tracers.getIfAvailable();
        if (tracer != null) {
          builder.traceIds(() -> traceId(tracer));
        }
      };
    }

    private static @Nullable String traceId(Tracer tracer) {
      Span span = tracer.currentSpan();
      if (span == null) {
        return null;
      }
      String id = span.context().traceId();
      return id == null || id.isEmpty() ? null : id;
    }
  }
}
