package io.tieredmemory.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelBaggageManager;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.spi.TierObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With Micrometer Tracing's {@code Tracer} in the context, a search's {@code Recalled} event
 * carries the trace id of the caller's span; without a tracer, none.
 */
class RecallTraceIdTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  TieredMemoryObservationAutoConfiguration.class,
                  TieredMemoryAutoConfiguration.class))
          .withPropertyValues("tiered-memory.name=agent");

  @Test
  void aSearchUnderASpan_isRecalledWithItsTraceId() {
    runner
        .withUserConfiguration(Tracing.class, Recalls.class)
        .run(
            ctx -> {
              Tracer tracer = ctx.getBean(Tracer.class);
              TieredMemory store = ctx.getBean(TieredMemory.class);
              store.put("user:1:lang", "prefers French");
              Span caller = tracer.nextSpan().name("answer").start();
              try (Tracer.SpanInScope ignored = tracer.withSpan(caller)) {
                store.search("which language", 1);
              } finally {
                caller.end();
              }
              store.search("outside any span", 1);
              List<TierEvent.Recalled> recalled = ctx.getBean(Recalls.class).recalled;
              assertThat(recalled).hasSize(2);
              assertThat(recalled.get(0).traceId())
                  .isNotBlank()
                  .isEqualTo(caller.context().traceId());
              // The search's own span is a root then: a trace of its own, never the caller's.
              assertThat(recalled.get(1).traceId()).isNotEqualTo(caller.context().traceId());
            });
  }

  @Test
  void withoutATracer_noTraceId() {
    runner
        .withUserConfiguration(Recalls.class)
        .withBean(ObservationRegistry.class, ObservationRegistry::create)
        .run(
            ctx -> {
              ctx.getBean(TieredMemory.class).search("anything", 1);
              assertThat(ctx.getBean(Recalls.class).recalled)
                  .singleElement()
                  .satisfies(r -> assertThat(r.traceId()).isNull());
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class Tracing {
    @Bean(destroyMethod = "close")
    SdkTracerProvider sdkTracerProvider() {
      return SdkTracerProvider.builder().setSampler(Sampler.alwaysOn()).build();
    }

    @Bean
    Tracer tracer(SdkTracerProvider provider) {
      OtelCurrentTraceContext context = new OtelCurrentTraceContext();
      return new OtelTracer(
          provider.get("recall-test"),
          context,
          event -> {},
          new OtelBaggageManager(context, List.of(), List.of()));
    }

    @Bean
    ObservationRegistry observationRegistry(Tracer tracer) {
      ObservationRegistry registry = ObservationRegistry.create();
      registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
      return registry;
    }
  }

  /** Collects the Recalled events of the store, through a builder customizer of the user's. */
  @Configuration(proxyBeanMethods = false)
  static class Recalls {
    final List<TierEvent.Recalled> recalled = new CopyOnWriteArrayList<>();

    @Bean
    TieredMemoryBuilderCustomizer collectRecalls() {
      return b ->
          b.observer(
              TierObserver.events(
                  e -> {
                    if (e instanceof TierEvent.Recalled r) {
                      recalled.add(r);
                    }
                  }));
    }
  }
}
