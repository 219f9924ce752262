package io.tieredmemory.spring.autoconfigure;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.tieredmemory.core.TieredMemory;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Each store's calls become Observations in the application's ObservationRegistry. */
class TieredMemoryObservationAutoConfigurationTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  TieredMemoryObservationAutoConfiguration.class,
                  TieredMemoryAutoConfiguration.class));

  @Test
  void everyCallIsAnObservationWithTheGenAiMemoryAttributes() {
    runner
        .withUserConfiguration(Registry.class)
        .withPropertyValues("tiered-memory.name=agent")
        .run(
            ctx -> {
              TestObservationRegistry registry = ctx.getBean(TestObservationRegistry.class);
              TieredMemory store = ctx.getBean(TieredMemory.class);
              store.put("user:1:lang", "French", Map.of());
              store.get("user:1:lang");
              assertThat(registry)
                  .hasObservationWithNameEqualTo("tiered.memory.request")
                  .that()
                  .hasBeenStarted()
                  .hasBeenStopped()
                  .hasLowCardinalityKeyValue("gen_ai.operation.name", "create_memory")
                  .hasLowCardinalityKeyValue("gen_ai.memory.store.id", "agent")
                  .doesNotHaveHighCardinalityKeyValueWithKey("gen_ai.memory.record.id");
              assertThat(registry)
                  .hasAnObservation(
                      o ->
                          o.hasLowCardinalityKeyValue("gen_ai.operation.name", "search_memory")
                              .hasLowCardinalityKeyValue("tiered_memory.operation", "get")
                              .hasLowCardinalityKeyValue("tiered_memory.result", "hit"));
            });
  }

  @Test
  void recordIdsOnlyWhenAskedFor() {
    runner
        .withUserConfiguration(Registry.class)
        .withPropertyValues("tiered-memory.observations.record-ids=true")
        .run(
            ctx -> {
              ctx.getBean(TieredMemory.class).put("user:1:lang", "French", Map.of());
              assertThat(ctx.getBean(TestObservationRegistry.class))
                  .hasObservationWithNameEqualTo("tiered.memory.request")
                  .that()
                  .hasHighCardinalityKeyValue("gen_ai.memory.record.id", "user:1:lang");
            });
  }

  @Test
  void offByPropertyWithoutARegistryOrWithoutMicrometerObservation() {
    runner
        .withUserConfiguration(Registry.class)
        .withPropertyValues("tiered-memory.observations.enabled=false")
        .run(
            ctx -> {
              ctx.getBean(TieredMemory.class).put("k", "v", Map.of());
              assertThat(ctx.getBean(TestObservationRegistry.class)).doesNotHaveAnyObservation();
            });
    runner.run(
        ctx -> {
          assertThat(ctx).hasSingleBean(TieredMemory.class);
          assertThat(ctx).doesNotHaveBean("tieredMemoryObservationsCustomizer");
        });
    runner
        .withUserConfiguration(Registry.class)
        .withClassLoader(new FilteredClassLoader(ObservationRegistry.class))
        .run(ctx -> assertThat(ctx).doesNotHaveBean("tieredMemoryObservationsCustomizer"));
  }

  @Configuration(proxyBeanMethods = false)
  static class Registry {
    @Bean
    TestObservationRegistry observationRegistry() {
      return TestObservationRegistry.create();
    }
  }
}
