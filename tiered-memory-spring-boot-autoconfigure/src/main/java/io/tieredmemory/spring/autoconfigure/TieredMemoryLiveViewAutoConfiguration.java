package io.tieredmemory.spring.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.metrics.LiveView;
import io.tieredmemory.metrics.MetricsOptions;
import io.tieredmemory.metrics.TieredMemoryMetrics;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The live view served by the application's own web server, Spring MVC or WebFlux, under {@code
 * tiered-memory.live-view.path} (default {@code /tiered-memory}): the page at {@code <path>/}, the
 * stats of every {@link TieredMemory} bean at {@code <path>/stats}, the decisions of their feeds as
 * Server-Sent Events at {@code <path>/events}. Nothing here touches security: with Spring Security
 * the paths are behind the application's own filter chain. Disabled with {@code
 * tiered-memory.live-view.enabled=false}.
 *
 * <p>The stats are read from the application's {@link MeterRegistry} (where {@link
 * TieredMemoryMetricsAutoConfiguration} binds the stores); without one, the auto-configured stores
 * are bound to a registry of the live view's own, which nothing else sees.
 */
@AutoConfiguration(
    before = TieredMemoryAutoConfiguration.class,
    after = TieredMemoryDecisionsAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration"
    })
@ConditionalOnWebApplication
@ConditionalOnClass({LiveView.class, TieredMemory.class})
@ConditionalOnBooleanProperty(name = "tiered-memory.live-view.enabled", matchIfMissing = true)
@EnableConfigurationProperties({
  TieredMemoryLiveViewProperties.class,
  TieredMemoryMetricsProperties.class
})
public class TieredMemoryLiveViewAutoConfiguration {

  @Bean
  LiveViewSource tieredMemoryLiveViewSource(
      TieredMemoryLiveViewProperties properties,
      TieredMemoryMetricsProperties metrics,
      ObjectProvider<MeterRegistry> registries,
      ObjectProvider<TieredMemory> stores,
      ObjectProvider<TieredMemoryDecisionFeeds> feeds) {
    return new LiveViewSource(
        registries.getIfUnique(SimpleMeterRegistry::new),
        stores,
        feeds,
        TieredMemoryMetricsAutoConfiguration.options(metrics).names(),
        properties.getMaxEventClients());
  }

  /** Without an application registry, binds the stores to the live view's own. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(MeterRegistry.class)
  static class OwnRegistry {
    @Bean
    TieredMemoryBuilderCustomizer tieredMemoryLiveViewMetricsCustomizer(
        LiveViewSource source, TieredMemoryMetricsProperties metrics) {
      MetricsOptions options = TieredMemoryMetricsAutoConfiguration.options(metrics);
      Tags tags = TieredMemoryMetricsAutoConfiguration.tags(metrics);
      return builder -> builder.observer(TieredMemoryMetrics.of(source.registry(), tags, options));
    }
  }

  /** Spring MVC. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(name = "org.springframework.web.servlet.mvc.method.annotation.SseEmitter")
  static class Servlet {
    @Bean
    LiveViewMvcController tieredMemoryLiveViewMvcController(
        LiveViewSource source, TieredMemoryLiveViewProperties properties) {
      return new LiveViewMvcController(
          source, properties.getPath(), properties.getMaxEventClients());
    }
  }

  /** WebFlux. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  @ConditionalOnClass(
      name = {
        "org.springframework.web.reactive.DispatcherHandler",
        "org.springframework.http.codec.ServerSentEvent",
        "reactor.core.publisher.Flux"
      })
  static class Reactive {
    @Bean
    LiveViewWebFluxController tieredMemoryLiveViewWebFluxController(
        LiveViewSource source, TieredMemoryLiveViewProperties properties) {
      return new LiveViewWebFluxController(source, properties.getPath());
    }
  }
}
