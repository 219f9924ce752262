package io.tieredmemory.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tieredmemory.core.HistoryEntry;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.MemoryHistory;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.testkit.FaultyTierStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.actuate.endpoint.SimpleHttpCodeStatusMapper;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.support.SpringFactoriesLoader;

class TieredMemoryAutoConfigurationTest {
  private static final String REQUESTS = "tiered.memory.requests";

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  TieredMemoryMetricsAutoConfiguration.class,
                  TieredMemoryAutoConfiguration.class,
                  TieredMemoryHealthAutoConfiguration.class));

  @Test
  void defaultStoreExistsAndWorks() {
    runner.run(
        ctx -> {
          TieredMemory store = ctx.getBean(TieredMemory.class);
          assertThat(store.name()).isEqualTo("default");
          assertThat(store.policy()).isEqualTo(TieringPolicy.defaults());
          store.put("user:1:lang", "French", Map.of("source", "test"));
          assertThat(store.get("user:1:lang")).map(Memory::content).contains("French");
          assertThat(store.tier(Tier.WARM).up()).isTrue();
        });
  }

  @Test
  void propertyDefaultsAreTheLibrarysDefaults() {
    TieredMemoryProperties p = new TieredMemoryProperties();
    assertThat(TieredMemoryFactory.policy(p, "tiered-memory")).isEqualTo(TieringPolicy.defaults());
    assertThat(p.getSweepEvery()).isEqualTo(TieredMemory.Builder.DEFAULT_SWEEP_INTERVAL);
  }

  @Test
  void nameDefaultsToTheApplicationName() {
    runner
        .withPropertyValues("spring.application.name=agent-api")
        .run(ctx -> assertThat(ctx.getBean(TieredMemory.class).name()).isEqualTo("agent-api"));
    runner
        .withPropertyValues("spring.application.name=agent-api", "tiered-memory.name=memories")
        .run(ctx -> assertThat(ctx.getBean(TieredMemory.class).name()).isEqualTo("memories"));
  }

  @Test
  void propertiesAreApplied() {
    runner
        .withPropertyValues(
            "tiered-memory.sweep-every=5s",
            "tiered-memory.promote-after-reads=5",
            "tiered-memory.promote-window=2m",
            "tiered-memory.demote-when-idle=15m",
            "tiered-memory.hot-capacity=500",
            "tiered-memory.archive-when-idle=3d")
        .run(
            ctx -> {
              TieringPolicy policy = ctx.getBean(TieredMemory.class).policy();
              assertThat(policy.promotion().reads()).isEqualTo(5);
              assertThat(policy.promotion().window()).isEqualTo(Duration.ofMinutes(2));
              assertThat(policy.demotion().idle()).isEqualTo(Duration.ofMinutes(15));
              assertThat(policy.demotion().capacity()).isEqualTo(500);
              assertThat(policy.archive().idle()).isEqualTo(Duration.ofDays(3));
              assertThat(ctx.getBean(TieredMemoryProperties.class).getSweepEvery())
                  .isEqualTo(Duration.ofSeconds(5));
            });
  }

  @Test
  void historyIsOffByDefault_andTheHistoryPropertiesTurnItOn() {
    runner.run(
        ctx -> {
          TieredMemory store = ctx.getBean(TieredMemory.class);
          store.put("user:1:lang", "French", Map.of());
          assertThatThrownBy(() -> store.history("user:1:lang"))
              .isInstanceOf(UnsupportedOperationException.class);
        });
    assertThat(new TieredMemoryProperties().getHistory().getRetention())
        .isEqualTo(TieredMemory.Builder.DEFAULT_HISTORY_RETENTION);
    assertThat(new TieredMemoryProperties().getHistory().getPerKey())
        .isEqualTo(TieredMemory.Builder.DEFAULT_HISTORY_PER_KEY);
    runner
        .withPropertyValues(
            "tiered-memory.history.enabled=true",
            "tiered-memory.history.retention=7d",
            "tiered-memory.history.per-key=2")
        .run(
            ctx -> {
              TieredMemory store = ctx.getBean(TieredMemory.class);
              store.put("user:1:lang", "French", Map.of());
              store.put("user:1:lang", "German", Map.of());
              store.put("user:1:lang", "Dutch", Map.of());
              MemoryHistory h = store.history("user:1:lang");
              // per-key=2: the newest two of the three puts
              assertThat(h.entries()).hasSize(2);
              assertThat(h.entries()).allMatch(e -> e.kind() == HistoryEntry.Kind.PUT);
              assertThat(h.tier()).isNotNull();
              assertThat(ctx.getBean(TieredMemoryProperties.class).getHistory().getRetention())
                  .isEqualTo(Duration.ofDays(7));
            });
  }

  @Test
  void aBadHistoryValueFailsStartupNamingThePropertyAndValue() {
    runner
        .withPropertyValues("tiered-memory.history.enabled=true", "tiered-memory.history.per-key=0")
        .run(
            ctx ->
                assertThat(new TieredMemoryFailureAnalyzer().analyze(ctx.getStartupFailure()))
                    .satisfies(
                        a ->
                            assertThat(a.getDescription())
                                .contains("'tiered-memory.history.per-key'", "'0'", "10000")));
    runner
        .withPropertyValues("tiered-memory.history.retention=10s")
        .run(
            ctx ->
                assertThat(new TieredMemoryFailureAnalyzer().analyze(ctx.getStartupFailure()))
                    .satisfies(
                        a ->
                            assertThat(a.getDescription())
                                .contains("'tiered-memory.history.retention'", "'PT10S'", "1m")));
  }

  @Test
  void kindsAndQueryText_byPropertiesAlone() {
    runner
        .withPropertyValues(
            "tiered-memory.kinds.metadata-field=kind",
            "tiered-memory.kinds.max=2",
            "tiered-memory.record-query-text=true")
        .withBean("recalls", io.tieredmemory.core.spi.TierObserver.class, RecallRecorder::new)
        .run(
            ctx -> {
              TieredMemory store = ctx.getBean(TieredMemory.class);
              assertThat(store.kinds()).isPresent();
              store.put("a", "likes tea", Map.of("kind", "preference"));
              store.put("b", "likes coffee", Map.of("kind", "preference"));
              store.put("c", "lives in Lyon", Map.of("kind", "fact"));
              store.put("d", "said hello", Map.of("kind", "chat"));
              store.put("e", "no kind", Map.of());
              io.tieredmemory.core.KindStats stats = store.kindStats();
              // max=2: the two largest kinds by name, the rest "other", no kind "none"
              assertThat(stats.toString())
                  .contains("preference")
                  .contains("other")
                  .contains("none");
              store.search("tea", 3);
              RecallRecorder recalls = ctx.getBean(RecallRecorder.class);
              assertThat(recalls.queries).contains("tea");
            });
    runner
        .withPropertyValues(
            "tiered-memory.kinds.key-delimiter=:", "tiered-memory.kinds.only=profile,fact")
        .run(
            ctx -> {
              TieredMemory store = ctx.getBean(TieredMemory.class);
              store.put("profile:1", "x", Map.of());
              store.put("chat:1", "y", Map.of());
              io.tieredmemory.core.KindStats stats = store.kindStats();
              assertThat(stats.kinds())
                  .containsExactlyInAnyOrder("profile", "fact", "none", "other");
              assertThat(stats.count(io.tieredmemory.core.Tier.WARM, "profile").items())
                  .isEqualTo(1);
              assertThat(stats.count(io.tieredmemory.core.Tier.WARM, "other").items()).isEqualTo(1);
            });
  }

  @Test
  void readMoves_byProperty() {
    String[] overCapacity = {"tiered-memory.hot-capacity=1", "tiered-memory.promote-after-reads=1"};
    runner
        .withPropertyValues(overCapacity)
        .withPropertyValues("tiered-memory.read-moves=background")
        .withBean("moves", io.tieredmemory.core.spi.TierObserver.class, PromotionThreads::new)
        .run(
            ctx -> {
              String thread = promotionThread(ctx.getBean(TieredMemory.class), ctx);
              assertThat(thread).contains("-moves-");
            });
    runner
        .withPropertyValues(overCapacity)
        .withPropertyValues("tiered-memory.read-moves=caller")
        .withBean("moves", io.tieredmemory.core.spi.TierObserver.class, PromotionThreads::new)
        .run(
            ctx ->
                assertThat(promotionThread(ctx.getBean(TieredMemory.class), ctx))
                    .isEqualTo(Thread.currentThread().getName()));
    runner
        .withPropertyValues("tiered-memory.read-moves=sideways")
        .run(
            ctx ->
                assertThat(ctx.getStartupFailure())
                    .hasStackTraceContaining("tiered-memory.read-moves")
                    .hasStackTraceContaining("sideways"));
  }

  /**
   * Puts two memories in a store whose HOT holds one, lets a sweep demote one, reads both (one read
   * promotes), and returns the thread the promotion was made on.
   */
  private static String promotionThread(
      TieredMemory store, org.springframework.context.ApplicationContext ctx)
      throws InterruptedException {
    store.put("a", "1");
    store.put("b", "2");
    store.sweep();
    store.get("a");
    store.get("b");
    PromotionThreads seen = ctx.getBean(PromotionThreads.class);
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (seen.threads.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(seen.threads).as("one promotion").hasSize(1);
    return seen.threads.get(0);
  }

  /** Records the thread of every promotion (WARM to HOT). */
  static final class PromotionThreads implements io.tieredmemory.core.spi.TierObserver {
    final java.util.List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void movementCompleted(
        io.tieredmemory.core.Tier from,
        io.tieredmemory.core.Tier to,
        io.tieredmemory.core.policy.MoveReason reason,
        long durationNanos) {
      if (to == io.tieredmemory.core.Tier.HOT) {
        threads.add(Thread.currentThread().getName());
      }
    }
  }

  /** Records the query text of every recall. */
  static final class RecallRecorder implements io.tieredmemory.core.spi.TierObserver {
    final java.util.List<String> queries = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public boolean wantsEvents() {
      return true;
    }

    @Override
    public void onEvent(io.tieredmemory.core.event.TierEvent event) {
      if (event instanceof io.tieredmemory.core.event.TierEvent.Recalled r && r.query() != null) {
        queries.add(r.query());
      }
    }
  }

  @Test
  void badKindsSettings_failStartupNamingThePropertyAndValue() {
    runner
        .withPropertyValues(
            "tiered-memory.kinds.metadata-field=kind", "tiered-memory.kinds.key-delimiter=:")
        .run(
            ctx ->
                assertThat(new TieredMemoryFailureAnalyzer().analyze(ctx.getStartupFailure()))
                    .satisfies(
                        a ->
                            assertThat(a.getDescription())
                                .contains(
                                    "'tiered-memory.kinds.key-delimiter'", "':'", "not both")));
    runner
        .withPropertyValues("tiered-memory.kinds.max=5")
        .run(
            ctx ->
                assertThat(new TieredMemoryFailureAnalyzer().analyze(ctx.getStartupFailure()))
                    .satisfies(
                        a ->
                            assertThat(a.getDescription())
                                .contains("'tiered-memory.kinds.max'", "'5'", "metadata-field")));
    runner
        .withPropertyValues(
            "tiered-memory.kinds.metadata-field=kind", "tiered-memory.kinds.max=500")
        .run(
            ctx ->
                assertThat(new TieredMemoryFailureAnalyzer().analyze(ctx.getStartupFailure()))
                    .satisfies(
                        a ->
                            assertThat(a.getDescription())
                                .contains("'tiered-memory.kinds.max'", "'500'")));
  }

  @Test
  void theApplicationsOwnStoreWins() {
    runner
        .withUserConfiguration(OwnStore.class)
        .run(
            ctx -> {
              assertThat(ctx).hasSingleBean(TieredMemory.class);
              assertThat(ctx.getBean(TieredMemory.class).name()).isEqualTo("own");
            });
  }

  @Test
  void metricsGoToTheApplicationsRegistryNotTheGlobalOne() {
    runner
        .withUserConfiguration(OwnRegistry.class)
        .withPropertyValues("tiered-memory.name=metered")
        .run(
            ctx -> {
              MeterRegistry registry = ctx.getBean(MeterRegistry.class);
              TieredMemory store = ctx.getBean(TieredMemory.class);
              store.put("k", "v", Map.of());
              store.get("k");
              assertThat(registry.find(REQUESTS).tag("store", "metered").functionCounters())
                  .isNotEmpty();
              assertThat(
                      registry
                          .find(REQUESTS)
                          .tag("store", "metered")
                          .tag("operation", "put")
                          .tag("tier", "warm")
                          .tag("result", "success")
                          .functionCounter())
                  .satisfies(c -> assertThat(c.count()).isEqualTo(1.0));
              assertThat(
                      Metrics.globalRegistry
                          .find(REQUESTS)
                          .tag("store", "metered")
                          .functionCounters())
                  .isEmpty();
            });
  }

  @Test
  void withBootsMetricsAutoConfigurationTheStoreBindsToBootsRegistry() {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                TieredMemoryAutoConfiguration.class,
                TieredMemoryMetricsAutoConfiguration.class,
                org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration
                    .class,
                org.springframework.boot.micrometer.metrics.autoconfigure
                    .CompositeMeterRegistryAutoConfiguration.class,
                org.springframework.boot.micrometer.metrics.autoconfigure.export.simple
                    .SimpleMetricsExportAutoConfiguration.class))
        .withPropertyValues(
            "tiered-memory.name=boot", "management.metrics.use-global-registry=false")
        .run(
            ctx -> {
              ctx.getBean(TieredMemory.class).get("absent");
              MeterRegistry registry = ctx.getBean(MeterRegistry.class);
              assertThat(registry.find(REQUESTS).tag("store", "boot").functionCounters())
                  .isNotEmpty();
              assertThat(
                      Metrics.globalRegistry.find(REQUESTS).tag("store", "boot").functionCounters())
                  .isEmpty();
            });
  }

  @Test
  void withoutARegistryNoMetricsAndNoGlobalBinding() {
    runner
        .withPropertyValues("tiered-memory.name=unmetered")
        .run(
            ctx -> {
              assertThat(ctx).doesNotHaveBean(TieredMemoryBuilderCustomizer.class);
              ctx.getBean(TieredMemory.class).get("absent");
              assertThat(
                      Metrics.globalRegistry
                          .find(REQUESTS)
                          .tag("store", "unmetered")
                          .functionCounters())
                  .isEmpty();
            });
  }

  @Test
  void withoutMicrometerTheStoreStillStarts() {
    runner
        .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
        .run(ctx -> assertThat(ctx).hasSingleBean(TieredMemory.class));
  }

  @Test
  void healthIsUpWhenEveryTierAnswers() {
    new WebApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                TieredMemoryAutoConfiguration.class, TieredMemoryHealthAutoConfiguration.class))
        .run(
            ctx -> {
              assertThat(ctx).hasBean("tieredMemoryHealthIndicator");
              Health health = ctx.getBean(TieredMemoryHealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.UP);
              assertThat(health.getDetails()).containsEntry("name", "default");
              @SuppressWarnings("unchecked")
              Map<String, Map<String, Object>> tiers =
                  (Map<String, Map<String, Object>>) health.getDetails().get("tiers");
              assertThat(tiers).containsOnlyKeys("hot", "warm", "cold");
              assertThat(tiers.get("warm")).containsEntry("status", "UP").containsKey("kind");
            });
  }

  @Test
  void healthIsDegradedWhenHotFailsAndMapsTo200() {
    runner
        .withUserConfiguration(FailingHot.class)
        .run(
            ctx -> {
              FaultyTierStore hot = ctx.getBean(FaultyTierStore.class);
              TieredMemory store = ctx.getBean(TieredMemory.class);
              hot.failing().set(true);
              store.put("k", "v", Map.of());
              store.get("k");
              Health health = ctx.getBean(TieredMemoryHealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(TieredMemoryHealthIndicator.DEGRADED);
              assertThat(new SimpleHttpCodeStatusMapper().getStatusCode(health.getStatus()))
                  .isEqualTo(200);
            });
  }

  @Test
  void healthIndicatorCanBeDisabled() {
    runner
        .withPropertyValues("management.health.tiered-memory.enabled=false")
        .run(ctx -> assertThat(ctx).doesNotHaveBean("tieredMemoryHealthIndicator"));
  }

  @Test
  void noHealthIndicatorWithoutTheHealthClasses() {
    runner
        .withClassLoader(new FilteredClassLoader(HealthIndicator.class))
        .run(
            ctx -> {
              assertThat(ctx).hasSingleBean(TieredMemory.class);
              assertThat(ctx).doesNotHaveBean("tieredMemoryHealthIndicator");
            });
  }

  @Test
  void aBadValueFailsStartupNamingThePropertyAndValue() {
    runner
        .withPropertyValues("tiered-memory.hot-capacity=-1")
        .run(
            ctx -> {
              assertThat(ctx).hasFailed();
              Throwable failure = ctx.getStartupFailure();
              FailureAnalysis analysis = new TieredMemoryFailureAnalyzer().analyze(failure);
              assertThat(analysis).isNotNull();
              assertThat(analysis.getDescription())
                  .contains("tiered-memory.hot-capacity")
                  .contains("'-1'");
              assertThat(analysis.getAction()).contains("tiered-memory.hot-capacity");
            });
    runner
        .withPropertyValues("tiered-memory.archive-when-idle=1m")
        .run(
            ctx ->
                assertThat(new TieredMemoryFailureAnalyzer().analyze(ctx.getStartupFailure()))
                    .satisfies(
                        a ->
                            assertThat(a.getDescription())
                                .contains("tiered-memory.archive-when-idle", "PT1M")));
  }

  @Test
  void theFailureAnalyzerIsRegistered() {
    List<String> names =
        SpringFactoriesLoader.forDefaultResourceLocation()
            .load(
                org.springframework.boot.diagnostics.FailureAnalyzer.class,
                SpringFactoriesLoader.ArgumentResolver.none(),
                SpringFactoriesLoader.FailureHandler.handleMessage((message, failure) -> {}))
            .stream()
            .map(a -> a.getClass().getName())
            .toList();
    assertThat(names).contains(TieredMemoryFailureAnalyzer.class.getName());
  }

  @Test
  void closingTheContextClosesTheStore() {
    TieredMemory[] store = new TieredMemory[1];
    runner.run(ctx -> store[0] = ctx.getBean(TieredMemory.class));
    assertThatThrownBy(() -> store[0].put("k", "v", Map.of()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closingTheContextClosesAStoreWithMetrics() {
    TieredMemory[] store = new TieredMemory[1];
    MeterRegistry[] registry = new MeterRegistry[1];
    runner
        .withUserConfiguration(OwnRegistry.class)
        .run(
            ctx -> {
              store[0] = ctx.getBean(TieredMemory.class);
              registry[0] = ctx.getBean(MeterRegistry.class);
              assertThat(registry[0].find(REQUESTS).functionCounters()).isNotEmpty();
            });
    assertThatThrownBy(() -> store[0].get("k")).isInstanceOf(IllegalStateException.class);
    assertThat(registry[0].find(REQUESTS).functionCounters()).isEmpty();
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnStore {
    @Bean(destroyMethod = "close")
    TieredMemory ownStore() {
      return TieredMemory.builder("own").discoverObservers(false).disableScheduledSweeps().build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnRegistry {
    @Bean
    SimpleMeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class FailingHot {
    @Bean
    FaultyTierStore faultyHot() {
      return new FaultyTierStore(InProcessTiers.hot());
    }

    @Bean
    TieredMemoryBuilderCustomizer hotCustomizer(FaultyTierStore hot) {
      return builder -> builder.hot(hot);
    }
  }
}
