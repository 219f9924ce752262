package io.tieredmemory.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.metrics.DecisionFeed;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import reactor.core.publisher.Flux;

/** The conditions of the decision feeds, the Actuator endpoint and the live view. */
class TieredMemoryWebAutoConfigurationTest {
  private static final AutoConfigurations CONFIGS =
      AutoConfigurations.of(
          TieredMemoryMetricsAutoConfiguration.class,
          TieredMemoryDecisionsAutoConfiguration.class,
          TieredMemoryLiveViewAutoConfiguration.class,
          TieredMemoryAutoConfiguration.class,
          TieredMemoryEndpointAutoConfiguration.class);
  private static final String EXPOSE = "management.endpoints.web.exposure.include=tieredmemory";

  private final ApplicationContextRunner plain =
      new ApplicationContextRunner().withConfiguration(CONFIGS).withPropertyValues(EXPOSE);
  private final WebApplicationContextRunner mvc =
      new WebApplicationContextRunner().withConfiguration(CONFIGS).withPropertyValues(EXPOSE);
  private final ReactiveWebApplicationContextRunner webflux =
      new ReactiveWebApplicationContextRunner()
          .withConfiguration(CONFIGS)
          .withPropertyValues(EXPOSE);

  @Test
  void noWebServer_feedsAndEndpoint_noLiveView() {
    plain
        .withPropertyValues("tiered-memory.hot-capacity=1")
        .run(
            ctx -> {
              assertThat(ctx).hasSingleBean(TieredMemoryDecisionFeeds.class);
              assertThat(ctx).hasSingleBean(TieredMemoryActuatorEndpoint.class);
              assertThat(ctx).doesNotHaveBean(LiveViewSource.class);
              assertThat(ctx).doesNotHaveBean(LiveViewMvcController.class);
              assertThat(ctx).doesNotHaveBean(LiveViewWebFluxController.class);
              TieredMemory store = ctx.getBean(TieredMemory.class);
              DecisionFeed feed =
                  ctx.getBean(TieredMemoryDecisionFeeds.class).feed(store.name()).orElseThrow();
              store.put("user:1", "a");
              store.put("user:2", "b");
              store.sweep(); // over capacity: one demotion
              // each decision recorded once: one demotion, sequence numbers 1, 2...
              assertThat(feed.recent(10))
                  .extracting(DecisionFeed.Entry::kind)
                  .containsOnlyOnce("demoted");
              assertThat(feed.recent(10))
                  .extracting(DecisionFeed.Entry::sequence)
                  .startsWith(1L)
                  .doesNotHaveDuplicates();
              assertThat(feed.recent(10).toString()).doesNotContain("user:");
            });
  }

  @Test
  @SuppressWarnings("unchecked")
  void endpoint_describesEveryStore_keysHashedByDefault() {
    plain
        .withPropertyValues("tiered-memory.hot-capacity=1", "tiered-memory.name=agent")
        .run(
            ctx -> {
              TieredMemory store = ctx.getBean(TieredMemory.class);
              store.put("user:1", "a");
              store.put("user:2", "b");
              store.sweep();
              TieredMemoryActuatorEndpoint endpoint =
                  ctx.getBean(TieredMemoryActuatorEndpoint.class);
              Map<String, Object> stores = (Map<String, Object>) endpoint.stores().get("stores");
              assertThat(stores).containsOnlyKeys("agent");
              Map<String, Object> agent = endpoint.store("agent");
              assertThat(agent).isNotNull();
              Map<String, Object> warm =
                  (Map<String, Object>) ((Map<String, Object>) agent.get("tiers")).get("warm");
              assertThat(warm)
                  .containsEntry("kind", "in-process")
                  .containsEntry("up", true)
                  .containsEntry("failuresInRow", 0)
                  .containsEntry("items", 2L);
              Map<String, Object> policy = (Map<String, Object>) agent.get("policy");
              assertThat(policy).containsEntry("hotCapacity", 1L).containsKey("description");
              Map<String, Object> decisions = (Map<String, Object>) agent.get("decisions");
              assertThat(decisions).containsEntry("enabled", true);
              List<Map<String, Object>> recent =
                  (List<Map<String, Object>>) decisions.get("recent");
              assertThat(recent).extracting(d -> d.get("kind")).contains("demoted");
              Map<String, Object> demoted =
                  recent.stream().filter(d -> "demoted".equals(d.get("kind"))).findFirst().get();
              assertThat((String) demoted.get("key")).matches("k:[0-9a-f]{12}");
              assertThat(endpoint.store("nope")).isNull();
            });
  }

  @Test
  @SuppressWarnings("unchecked")
  void revealKeys_showsKeys() {
    plain
        .withPropertyValues(
            "tiered-memory.hot-capacity=1", "tiered-memory.decisions.reveal-keys=true")
        .run(
            ctx -> {
              TieredMemory store = ctx.getBean(TieredMemory.class);
              store.put("user:1", "a");
              store.put("user:2", "b");
              store.sweep();
              Map<String, Object> d =
                  (Map<String, Object>)
                      ctx.getBean(TieredMemoryActuatorEndpoint.class)
                          .store(store.name())
                          .get("decisions");
              assertThat(d.get("recent").toString()).contains("user:");
            });
  }

  @Test
  @SuppressWarnings("unchecked")
  void recalls_areDecisions_unlessLeftOut_andRenderAsMaps() {
    plain.run(
        ctx -> {
          TieredMemory store = ctx.getBean(TieredMemory.class);
          store.put("user:1", "likes tea");
          store.search("tea", 2);
          Map<String, Object> d =
              (Map<String, Object>)
                  ctx.getBean(TieredMemoryActuatorEndpoint.class)
                      .store(store.name())
                      .get("decisions");
          List<Map<String, Object>> recent = (List<Map<String, Object>>) d.get("recent");
          Map<String, Object> recalled = recent.get(0);
          assertThat(recalled).containsEntry("kind", "recalled").containsEntry("count", 1L);
          assertThat((List<Map<String, Object>>) recalled.get("results"))
              .singleElement()
              .satisfies(
                  r -> assertThat(r).containsEntry("tier", "warm").doesNotContainValue("user:1"));
        });
    plain
        .withPropertyValues("tiered-memory.decisions.include-recalls=false")
        .run(
            ctx -> {
              TieredMemory store = ctx.getBean(TieredMemory.class);
              store.put("user:1", "likes tea");
              store.search("tea", 2);
              Map<String, Object> d =
                  (Map<String, Object>)
                      ctx.getBean(TieredMemoryActuatorEndpoint.class)
                          .store(store.name())
                          .get("decisions");
              assertThat(d.get("recent").toString()).doesNotContain("recalled");
            });
  }

  @Test
  void mvc_servesTheLiveViewWithMvc() {
    mvc.run(
        ctx -> {
          assertThat(ctx).hasSingleBean(LiveViewMvcController.class);
          assertThat(ctx).doesNotHaveBean(LiveViewWebFluxController.class);
          assertThat(ctx.getBean(LiveViewSource.class).statsJson())
              .contains("\"name\":\"default\"");
        });
  }

  @Test
  void mvcWithoutSseEmitter_noController() {
    mvc.withClassLoader(new FilteredClassLoader(SseEmitter.class))
        .run(ctx -> assertThat(ctx).doesNotHaveBean(LiveViewMvcController.class));
  }

  @Test
  void webflux_servesTheLiveViewWithWebFlux() {
    webflux.run(
        ctx -> {
          assertThat(ctx).hasSingleBean(LiveViewWebFluxController.class);
          assertThat(ctx).doesNotHaveBean(LiveViewMvcController.class);
        });
  }

  @Test
  void webfluxWithoutReactor_noController() {
    webflux
        .withClassLoader(new FilteredClassLoader(Flux.class))
        .run(ctx -> assertThat(ctx).doesNotHaveBean(LiveViewWebFluxController.class));
  }

  @Test
  void actuatorAbsent_noEndpoint_liveViewStays() {
    mvc.withClassLoader(new FilteredClassLoader(Endpoint.class))
        .run(
            ctx -> {
              assertThat(ctx).doesNotHaveBean(TieredMemoryActuatorEndpoint.class);
              assertThat(ctx).hasSingleBean(LiveViewMvcController.class);
            });
  }

  @Test
  void endpointNotExposedOrAccessNone_noEndpoint() {
    new ApplicationContextRunner()
        .withConfiguration(CONFIGS)
        .run(ctx -> assertThat(ctx).doesNotHaveBean(TieredMemoryActuatorEndpoint.class));
    plain
        .withPropertyValues("management.endpoint.tieredmemory.access=NONE")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(TieredMemoryActuatorEndpoint.class));
  }

  @Test
  void metricsModuleAbsent_noFeedsNoEndpointNoLiveView() {
    mvc.withClassLoader(new FilteredClassLoader("io.tieredmemory.metrics."))
        .run(
            ctx -> {
              assertThat(ctx).hasSingleBean(TieredMemory.class);
              assertThat(ctx).doesNotHaveBean(TieredMemoryDecisionFeeds.class);
              assertThat(ctx).doesNotHaveBean(TieredMemoryActuatorEndpoint.class);
              assertThat(ctx).doesNotHaveBean(LiveViewSource.class);
            });
  }

  @Test
  void securityPresent_noSecurityBeansOfOurs() {
    // Spring Security is on this test class path: the starter adds no filter chain and opens
    // nothing; the application's own chain protects the paths (LiveViewHttpTest).
    mvc.run(
        ctx -> {
          assertThat(ctx).hasSingleBean(LiveViewMvcController.class);
          assertThat(ctx).doesNotHaveBean(SecurityFilterChain.class);
        });
  }

  @Test
  void liveViewDisabled() {
    mvc.withPropertyValues("tiered-memory.live-view.enabled=false")
        .run(
            ctx -> {
              assertThat(ctx).doesNotHaveBean(LiveViewSource.class);
              assertThat(ctx).doesNotHaveBean(LiveViewMvcController.class);
              assertThat(ctx).hasSingleBean(TieredMemoryDecisionFeeds.class);
            });
    webflux
        .withPropertyValues("tiered-memory.live-view.enabled=false")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(LiveViewWebFluxController.class));
  }

  @Test
  @SuppressWarnings("unchecked")
  void decisionsDisabled_noFeeds_endpointSaysSo() {
    mvc.withPropertyValues("tiered-memory.decisions.enabled=false")
        .run(
            ctx -> {
              assertThat(ctx).doesNotHaveBean(TieredMemoryDecisionFeeds.class);
              assertThat(ctx).hasSingleBean(LiveViewMvcController.class);
              Map<String, Object> d =
                  (Map<String, Object>)
                      ctx.getBean(TieredMemoryActuatorEndpoint.class)
                          .store("default")
                          .get("decisions");
              assertThat(d).containsEntry("enabled", false);
            });
  }

  @Test
  void withoutMeterRegistry_storesBoundToTheLiveViewsOwnRegistry() {
    mvc.run(
        ctx -> {
          assertThat(ctx).doesNotHaveBean(MeterRegistry.class);
          assertThat(ctx).hasBean("tieredMemoryLiveViewMetricsCustomizer");
          ctx.getBean(TieredMemory.class).put("a", "b");
          assertThat(ctx.getBean(LiveViewSource.class).statsJson())
              .contains("\"put.warm.success\":1");
        });
    mvc.withUserConfiguration(Registry.class)
        .run(
            ctx -> {
              assertThat(ctx).doesNotHaveBean("tieredMemoryLiveViewMetricsCustomizer");
              assertThat(ctx.getBean(LiveViewSource.class).registry())
                  .isSameAs(ctx.getBean(MeterRegistry.class));
            });
  }

  @Test
  void badPath_failsTheStart() {
    mvc.withPropertyValues("tiered-memory.live-view.path=memory/")
        .run(
            ctx ->
                assertThat(ctx)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("path must start with '/'"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void severalStoresOfTheApplication_eachItsFeed_oneEventStreamResumable() {
    mvc.withUserConfiguration(TwoStores.class)
        .run(
            ctx -> {
              TieredMemory a = ctx.getBean("a", TieredMemory.class);
              TieredMemory b = ctx.getBean("b", TieredMemory.class);
              TieredMemoryDecisionFeeds feeds = ctx.getBean(TieredMemoryDecisionFeeds.class);
              assertThat(feeds.feeds()).containsOnlyKeys("a", "b");
              a.delete("x");
              b.delete("y");
              b.delete("z");
              assertThat(feeds.feed("a").orElseThrow().recent(10)).hasSize(1);
              assertThat(feeds.feed("b").orElseThrow().recent(10)).hasSize(2);

              Map<String, Object> stores =
                  (Map<String, Object>)
                      ctx.getBean(TieredMemoryActuatorEndpoint.class).stores().get("stores");
              assertThat(stores).containsOnlyKeys("a", "b");

              LiveViewSource source = ctx.getBean(LiveViewSource.class);
              assertThat(source.statsJson()).contains("\"name\":\"a\"").contains("\"name\":\"b\"");
              List<LiveViewSource.Frame> frames;
              try (LiveViewSource.Cursor c = source.open(null)) {
                frames = c.drain(100);
              }
              assertThat(frames).hasSize(3);
              assertThat(frames.get(2).id()).isEqualTo("a:1,b:2");
              // a reconnect after the second frame gets the third only
              try (LiveViewSource.Cursor c = source.open(frames.get(1).id())) {
                assertThat(c.drain(100))
                    .extracting(LiveViewSource.Frame::id)
                    .containsExactly("a:1,b:2");
              }
            });
  }

  @Test
  void eventClientsAreBounded() {
    mvc.withPropertyValues("tiered-memory.live-view.max-event-clients=1")
        .run(
            ctx -> {
              LiveViewSource source = ctx.getBean(LiveViewSource.class);
              LiveViewSource.Cursor first = source.open(null);
              assertThat(first).isNotNull();
              assertThat(source.open(null)).isNull();
              first.close();
              first.close(); // once only
              LiveViewSource.Cursor again = source.open(null);
              assertThat(again).isNotNull();
              assertThat(source.open(null)).isNull();
              again.close();
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class TwoStores {
    @Bean(destroyMethod = "close")
    TieredMemory a(TieredMemoryDecisionFeeds feeds) {
      return TieredMemory.builder("a").discoverObservers(false).observer(feeds.observer()).build();
    }

    @Bean(destroyMethod = "close")
    TieredMemory b(TieredMemoryDecisionFeeds feeds) {
      return TieredMemory.builder("b").discoverObservers(false).observer(feeds.observer()).build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Registry {
    @Bean
    MeterRegistry registry() {
      return new SimpleMeterRegistry();
    }
  }
}
