package io.tieredmemory.springai;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.tieredmemory.core.TieredMemory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.SimpleVectorStore;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.ai.vectorstore.observation.DefaultVectorStoreObservationConvention;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class TieredVectorStoreAutoConfigurationTest {

  private final ApplicationContextRunner runner =
      TieredMemoryBeans.runner(
          TieredMemorySpringAiAutoConfiguration.class, TieredVectorStoreAutoConfiguration.class);

  @Configuration(proxyBeanMethods = false)
  static class OneModel {
    @Bean
    EmbeddingModel embeddingModel() {
      return new SpringAiEmbedderTest.FakeModel(16);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Observed {
    @Bean
    TestObservationRegistry observationRegistry() {
      return TestObservationRegistry.create();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnVectorStore {
    @Bean
    VectorStore vectorStore(EmbeddingModel model) {
      return SimpleVectorStore.builder(model).build();
    }
  }

  @Test
  void aVectorStoreOnTheTieredMemory_withTheEmbeddingModel_andTheObservationRegistry() {
    runner
        .withUserConfiguration(OneModel.class, Observed.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(VectorStore.class);
              TieredVectorStore store = context.getBean(TieredVectorStore.class);
              TieredMemory memory = context.getBean(TieredMemory.class);
              assertThat(store.memory()).isSameAs(memory);
              assertThat(store.keyPrefix()).isEqualTo(TieredVectorStore.DEFAULT_KEY_PREFIX);

              store.add(List.of(new Document("1", "hello", Map.of("lang", "en"))));
              assertThat(memory.get("document:1")).isPresent();
              TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
              TestObservationRegistryAssert.assertThat(registry)
                  .hasObservationWithNameEqualTo(
                      DefaultVectorStoreObservationConvention.DEFAULT_NAME)
                  .that()
                  .hasContextualNameEqualTo("tiered_memory add");
              registry.clear();
              assertThat(
                      store.similaritySearch(
                          SearchRequest.builder()
                              .query("hello")
                              .similarityThresholdAll()
                              .filterExpression("lang == 'en'")
                              .build()))
                  .extracting(Document::getId)
                  .containsExactly("1");
              TestObservationRegistryAssert.assertThat(
                      context.getBean(TestObservationRegistry.class))
                  .hasObservationWithNameEqualTo(
                      DefaultVectorStoreObservationConvention.DEFAULT_NAME)
                  .that()
                  .hasContextualNameEqualTo("tiered_memory query");
            });
  }

  @Test
  void theKeyPrefixIsAProperty() {
    runner
        .withUserConfiguration(OneModel.class)
        .withPropertyValues("tiered-memory.spring-ai.vector-store.key-prefix=kb/")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(TieredVectorStore.class).keyPrefix()).isEqualTo("kb/");
            });
  }

  @Test
  void itCanBeTurnedOff() {
    runner
        .withUserConfiguration(OneModel.class)
        .withPropertyValues("tiered-memory.spring-ai.vector-store.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(VectorStore.class));
  }

  @Test
  void theApplicationsOwnVectorStoreWins() {
    runner
        .withUserConfiguration(OneModel.class, OwnVectorStore.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(VectorStore.class);
              assertThat(context.getBean(VectorStore.class)).isInstanceOf(SimpleVectorStore.class);
            });
  }

  @Test
  void withoutAnEmbeddingModel_noVectorStore() {
    runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(VectorStore.class));
  }

  @Test
  void withoutSpringAisVectorStoreOnTheClassPath_noVectorStore() {
    runner
        .withUserConfiguration(OneModel.class)
        .withClassLoader(new FilteredClassLoader(VectorStore.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("tieredVectorStore"));
  }

  @Test
  void aModelStartersEmbeddingModelIsSeen() {
    runner
        .withConfiguration(AutoConfigurations.of(ZModelStarterAutoConfiguration.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(TieredVectorStore.class);
              store(context.getBean(TieredVectorStore.class));
            });
  }

  private static void store(TieredVectorStore store) {
    store.add(List.of(new Document("x", "text", Map.of())));
    assertThat(store.memory().get("document:x")).isPresent();
  }
}
