package io.tieredmemory.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.TieredMemory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.mock.env.MockEnvironment;

/** Several named stores, and the tier backend properties that need no server to be checked. */
class TieredMemoryStoresTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  TieredMemoryMetricsAutoConfiguration.class,
                  TieredMemoryAutoConfiguration.class,
                  TieredMemoryHealthAutoConfiguration.class));

  @Test
  void namedStoresAreBeansByQualifierEachStartingFromTheTopLevel() {
    runner
        .withUserConfiguration(Registry.class, UsesBoth.class)
        .withPropertyValues(
            "tiered-memory.hot-capacity=50",
            "tiered-memory.demote-when-idle=5m",
            "tiered-memory.stores.sessions.hot-capacity=7",
            "tiered-memory.stores.facts.archive-when-idle=2d")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              assertThat(ctx.getBeansOfType(TieredMemory.class))
                  .containsOnlyKeys("tieredMemory.sessions", "tieredMemory.facts");
              UsesBoth both = ctx.getBean(UsesBoth.class);
              assertThat(both.sessions.name()).isEqualTo("sessions");
              assertThat(both.facts.name()).isEqualTo("facts");
              // each entry overrides the top level, and takes the rest from it
              assertThat(both.sessions.policy().demotion().capacity()).isEqualTo(7);
              assertThat(both.sessions.policy().demotion().idle()).isEqualTo(Duration.ofMinutes(5));
              assertThat(both.facts.policy().demotion().capacity()).isEqualTo(50);
              assertThat(both.facts.policy().archive().idle()).isEqualTo(Duration.ofDays(2));
              // separate stores: a memory of one is not in the other
              both.sessions.put("k", "session", Map.of());
              assertThat(both.facts.get("k")).isEmpty();
              assertThat(both.sessions.get("k")).map(Memory::content).contains("session");
              // each store has its own meters, told apart by the store tag
              MeterRegistry registry = ctx.getBean(MeterRegistry.class);
              assertThat(registry.find("tiered.memory.requests").tag("store", "sessions").meters())
                  .isNotEmpty();
              assertThat(registry.find("tiered.memory.requests").tag("store", "facts").meters())
                  .isNotEmpty();
              // one health contributor, with a component per store
              HealthContributor health =
                  ctx.getBean("tieredMemoryHealthIndicator", HealthContributor.class);
              assertThat(health).isInstanceOf(CompositeHealthContributor.class);
              CompositeHealthContributor composite = (CompositeHealthContributor) health;
              assertThat(
                      ((HealthIndicator) composite.getContributor("sessions")).health().getStatus())
                  .isEqualTo(Status.UP);
              assertThat(composite.getContributor("facts")).isNotNull();
              assertThat(composite.getContributor("default")).isNull();
            });
  }

  @Test
  void twoContextsWithAStoreOfTheSameNameKeepTheirOwnMeters() {
    // e.g. two cached test contexts: each binds to its own registry, and closing one leaves the
    // other's meters alone
    runner
        .withUserConfiguration(Registry.class)
        .withPropertyValues("tiered-memory.name=agent")
        .run(
            first -> {
              MeterRegistry firstRegistry = first.getBean(MeterRegistry.class);
              runner
                  .withUserConfiguration(Registry.class)
                  .withPropertyValues("tiered-memory.name=agent")
                  .run(
                      second -> {
                        assertThat(second).hasNotFailed();
                        second.getBean(TieredMemory.class).put("k", "v", Map.of());
                        assertThat(
                                second
                                    .getBean(MeterRegistry.class)
                                    .get("tiered.memory.requests")
                                    .tag("operation", "put")
                                    .tag("result", "success")
                                    .functionCounter()
                                    .count())
                            .isEqualTo(1.0);
                      });
              // the second context closed: the first store's meters are all still there
              first.getBean(TieredMemory.class).put("k", "v", Map.of());
              assertThat(
                      firstRegistry
                          .get("tiered.memory.requests")
                          .tag("operation", "put")
                          .tag("result", "success")
                          .functionCounter()
                          .count())
                  .isEqualTo(1.0);
              assertThat(firstRegistry.find("tiered.memory.items").gauges()).hasSize(3);
            });
  }

  @Test
  void namedStoresAreClosedWithTheContext() {
    TieredMemory[] store = new TieredMemory[1];
    runner
        .withPropertyValues("tiered-memory.stores.sessions.hot-capacity=7")
        .run(ctx -> store[0] = ctx.getBean(TieredMemory.class));
    assertThat(store[0].name()).isEqualTo("sessions");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> store[0].get("k"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void historyIsSetPerNamedStore_startingFromTheTopLevel() {
    runner
        .withPropertyValues(
            "tiered-memory.history.enabled=true",
            "tiered-memory.stores.sessions.history.enabled=false",
            "tiered-memory.stores.facts.hot-capacity=5")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              TieredMemory facts = ctx.getBean("tieredMemory.facts", TieredMemory.class);
              TieredMemory sessions = ctx.getBean("tieredMemory.sessions", TieredMemory.class);
              facts.put("k", "fact", Map.of());
              sessions.put("k", "session", Map.of());
              assertThat(facts.history("k").entries()).hasSize(1);
              org.assertj.core.api.Assertions.assertThatThrownBy(() -> sessions.history("k"))
                  .isInstanceOf(UnsupportedOperationException.class);
            });
    runner
        .withPropertyValues("tiered-memory.stores.sessions.history.per-key=20000")
        .run(
            ctx ->
                assertThat(
                        new TieredMemoryFailureAnalyzer()
                            .analyze(ctx.getStartupFailure())
                            .getDescription())
                    .contains("'tiered-memory.stores[sessions].history.per-key'", "'20000'"));
  }

  @Test
  void aBadValueInANamedStoreNamesItsFullProperty() {
    runner
        .withPropertyValues("tiered-memory.stores.sessions.hot-capacity=0")
        .run(
            ctx -> {
              assertThat(ctx).hasFailed();
              FailureAnalysis a =
                  new TieredMemoryFailureAnalyzer().analyze(ctx.getStartupFailure());
              assertThat(a.getDescription())
                  .contains("'tiered-memory.stores[sessions].hot-capacity'", "'0'");
            });
    runner
        .withPropertyValues("tiered-memory.stores[bad name].hot-capacity=3")
        .run(
            ctx -> {
              assertThat(ctx).hasFailed();
              FailureAnalysis a =
                  new TieredMemoryFailureAnalyzer().analyze(ctx.getStartupFailure());
              assertThat(a.getDescription()).contains("name", "bad name");
            });
  }

  @Test
  void anUnknownBackendFailsStartupNamingThePropertyTheValueAndTheChoices() {
    runner
        .withPropertyValues("tiered-memory.hot.backend=memcached")
        .run(
            ctx -> {
              assertThat(ctx).hasFailed();
              FailureAnalysis a = bootsAnalysis(ctx.getStartupFailure());
              assertThat(a.getDescription()).contains("tiered-memory.hot.backend", "memcached");
              assertThat(a.getAction()).contains("IN_PROCESS", "REDIS");
            });
  }

  @Test
  void redisNeedsARedisUrl() {
    runner
        .withPropertyValues(
            "tiered-memory.hot.backend=redis", "tiered-memory.hot.redis.url=http://localhost:6379")
        .run(
            ctx ->
                assertThat(new TieredMemoryFailureAnalyzer().analyze(ctx.getStartupFailure()))
                    .satisfies(
                        a ->
                            assertThat(a.getDescription())
                                .contains(
                                    "'tiered-memory.hot.redis.url'",
                                    "'http://localhost:6379'",
                                    "redis or rediss")));
  }

  @Test
  void redisWithoutJedis8SaysWhatToDo() {
    runner
        .withClassLoader(new FilteredClassLoader("redis.clients.jedis.RedisClient"))
        .withPropertyValues("tiered-memory.hot.backend=redis")
        .run(
            ctx ->
                assertThat(new TieredMemoryFailureAnalyzer().analyze(ctx.getStartupFailure()))
                    .satisfies(
                        a ->
                            assertThat(a.getDescription())
                                .contains(
                                    "'tiered-memory.hot.backend'",
                                    "Jedis 8",
                                    "tiered-memory-bom")));
  }

  @Test
  void postgresWithoutADataSourceSaysSo() {
    runner
        .withPropertyValues("tiered-memory.warm.backend=postgres")
        .run(
            ctx ->
                assertThat(new TieredMemoryFailureAnalyzer().analyze(ctx.getStartupFailure()))
                    .satisfies(
                        a ->
                            assertThat(a.getDescription())
                                .contains("'tiered-memory.warm.backend'", "DataSource")));
  }

  @Test
  void chromaNeedsAnHttpUrl() {
    runner
        .withPropertyValues(
            "tiered-memory.cold.backend=chroma", "tiered-memory.cold.chroma.url=ftp://x")
        .run(
            ctx ->
                assertThat(new TieredMemoryFailureAnalyzer().analyze(ctx.getStartupFailure()))
                    .satisfies(
                        a ->
                            assertThat(a.getDescription())
                                .contains("'tiered-memory.cold.chroma.url'", "'ftp://x'")));
  }

  @Test
  void redisUrlComesFromSpringDataRedis() {
    assertThat(RedisTier.url(new MockEnvironment())).isEqualTo("redis://localhost:6379/0");
    assertThat(
            RedisTier.url(
                new MockEnvironment().withProperty("spring.data.redis.url", "redis://r:1/2")))
        .isEqualTo("redis://r:1/2");
    assertThat(
            RedisTier.url(
                new MockEnvironment()
                    .withProperty("spring.data.redis.host", "cache")
                    .withProperty("spring.data.redis.port", "7000")
                    .withProperty("spring.data.redis.database", "3")
                    .withProperty("spring.data.redis.username", "app")
                    .withProperty("spring.data.redis.password", "p@ss word")
                    .withProperty("spring.data.redis.ssl.enabled", "true")))
        .isEqualTo("rediss://app:p%40ss%20word@cache:7000/3");
    assertThat(RedisTier.redact("redis://app:secret@cache:7000/3"))
        .isEqualTo("redis://app:****@cache:7000/3");
  }

  @Test
  void defaultTablesAndCollectionsKeepNamedStoresApart() {
    assertThat(PostgresTier.defaultTable("agent", false)).isEqualTo("tiered_memory");
    assertThat(PostgresTier.defaultTable("Agent.v2-x", true)).isEqualTo("tiered_memory_agent_v2_x");
  }

  /**
   * What Spring Boot prints for {@code failure}: the first of its failure analyzers that knows it.
   */
  static FailureAnalysis bootsAnalysis(Throwable failure) {
    return SpringFactoriesLoader.forDefaultResourceLocation()
        .load(
            FailureAnalyzer.class,
            SpringFactoriesLoader.ArgumentResolver.none(),
            SpringFactoriesLoader.FailureHandler.handleMessage((message, e) -> {}))
        .stream()
        .map(a -> a.analyze(failure))
        .filter(java.util.Objects::nonNull)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no failure analysis for " + failure, failure));
  }

  @Configuration(proxyBeanMethods = false)
  static class Registry {
    @Bean
    SimpleMeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  static class UsesBoth {
    final TieredMemory sessions;
    final TieredMemory facts;

    UsesBoth(@Qualifier("sessions") TieredMemory sessions, @Qualifier("facts") TieredMemory facts) {
      this.sessions = sessions;
      this.facts = facts;
    }
  }
}
