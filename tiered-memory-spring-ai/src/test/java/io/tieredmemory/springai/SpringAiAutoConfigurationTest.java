package io.tieredmemory.springai;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.KeyCoordinator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.ChatMemoryRepository;
import org.springframework.ai.chat.memory.InMemoryChatMemoryRepository;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.model.chat.memory.autoconfigure.ChatMemoryAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class SpringAiAutoConfigurationTest {

  private final ApplicationContextRunner runner =
      TieredMemoryBeans.runner(
          TieredMemorySpringAiAutoConfiguration.class,
          TieredChatMemoryAutoConfiguration.class,
          ChatMemoryAutoConfiguration.class);

  @Configuration(proxyBeanMethods = false)
  static class OneModel {
    @Bean
    SpringAiEmbedderTest.FakeModel embeddingModel() {
      return new SpringAiEmbedderTest.FakeModel(16);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class TwoModels {
    @Bean
    EmbeddingModel first() {
      return new SpringAiEmbedderTest.FakeModel(16);
    }

    @Bean
    EmbeddingModel second() {
      return new SpringAiEmbedderTest.FakeModel(16);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnEmbedder {
    @Bean
    Embedder embedder() {
      return Embedder.hashing(32);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnRepository {
    @Bean
    ChatMemoryRepository chatMemoryRepository() {
      return new InMemoryChatMemoryRepository();
    }
  }

  @Test
  void withoutAnEmbeddingModelNoEmbedderButTheRepository() {
    runner.run(
        context -> {
          assertThat(context).hasNotFailed().doesNotHaveBean(Embedder.class);
          assertThat(context).hasSingleBean(ChatMemoryRepository.class);
          assertThat(context.getBean(ChatMemoryRepository.class))
              .isInstanceOf(TieredChatMemoryRepository.class);
          TieredChatMemoryRepository repository = context.getBean(TieredChatMemoryRepository.class);
          assertThat(repository.store()).isSameAs(context.getBean(TieredMemory.class));
          // Spring AI's ChatMemory keeps its conversations in the store
          context.getBean(ChatMemory.class).add("c", new UserMessage("hello"));
          assertThat(
                  context
                      .getBean(TieredMemory.class)
                      .get("spring-ai:chat:conversation:c")
                      .orElseThrow()
                      .content())
              .contains("hello");
        });
  }

  @Test
  void anEmbeddingModelBecomesTheStoresEmbedder() {
    runner
        .withUserConfiguration(OneModel.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(Embedder.class);
              SpringAiEmbedder embedder = context.getBean(SpringAiEmbedder.class);
              SpringAiEmbedderTest.FakeModel model =
                  context.getBean(SpringAiEmbedderTest.FakeModel.class);
              assertThat(embedder.model()).isSameAs(model);
              TieredMemory store = context.getBean(TieredMemory.class);
              store.put("k", "some text");
              int before = model.calls.get();
              store.search("some text", 3);
              assertThat(model.calls.get()).isGreaterThan(before); // the store embeds with it
            });
  }

  @Test
  void aModelStartersEmbeddingModelIsSeen() {
    runner
        .withConfiguration(AutoConfigurations.of(ZModelStarterAutoConfiguration.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(SpringAiEmbedder.class);
              assertThat(context.getBean(SpringAiEmbedder.class).model())
                  .isSameAs(context.getBean(EmbeddingModel.class));
              assertThat(context.getBean(SpringAiEmbedder.class).dimension()).isEqualTo(8);
            });
  }

  @Test
  void theDimensionCanBeGiven() {
    runner
        .withUserConfiguration(OneModel.class)
        .withPropertyValues("tiered-memory.spring-ai.embedding-dimension=16")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(SpringAiEmbedder.class).dimension()).isEqualTo(16);
              assertThat(context.getBean(SpringAiEmbedderTest.FakeModel.class).calls).hasValue(0);
            });
  }

  @Test
  void twoEmbeddingModelsNoEmbedder() {
    runner
        .withUserConfiguration(TwoModels.class)
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Embedder.class));
  }

  @Test
  void theApplicationsEmbedderWins() {
    runner
        .withUserConfiguration(OneModel.class, OwnEmbedder.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(Embedder.class);
              assertThat(context).doesNotHaveBean(SpringAiEmbedder.class);
            });
  }

  @Test
  void theApplicationsRepositoryWins() {
    runner
        .withUserConfiguration(OwnRepository.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(ChatMemoryRepository.class);
              assertThat(context.getBean(ChatMemoryRepository.class))
                  .isInstanceOf(InMemoryChatMemoryRepository.class);
            });
  }

  /** Counts the locks it gives. */
  @Configuration(proxyBeanMethods = false)
  static class Coordinator {
    static final List<String> locked = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Bean
    KeyCoordinator chatIdsCoordinator() {
      KeyCoordinator delegate = KeyCoordinator.inProcess();
      return key -> {
        locked.add(key);
        return delegate.lock(key);
      };
    }
  }

  @Test
  void aKeyCoordinatorBeanGuardsTheIdList() {
    runner
        .withUserConfiguration(Coordinator.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              context
                  .getBean(ChatMemoryRepository.class)
                  .saveAll("c", List.of(new UserMessage("hi")));
              assertThat(Coordinator.locked).containsExactly("spring-ai:chat:conversations#lock");
            });
  }

  @Test
  void thePrefixCanBeSet() {
    runner
        .withPropertyValues("tiered-memory.spring-ai.chat-memory.prefix=agent:")
        .run(
            context -> {
              TieredChatMemoryRepository repository =
                  context.getBean(TieredChatMemoryRepository.class);
              assertThat(repository.prefix()).isEqualTo("agent:");
              repository.saveAll("c", List.of(new UserMessage("hi")));
              assertThat(context.getBean(TieredMemory.class).get("agent:conversation:c"))
                  .isPresent();
            });
  }

  @Test
  void severalStoresNoRepository() {
    TieredMemoryBeans.twoStores(runner)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBeansOfType(TieredMemory.class)).hasSize(2);
              assertThat(context).doesNotHaveBean(TieredChatMemoryRepository.class);
              assertThat(context.getBean(ChatMemoryRepository.class))
                  .isInstanceOf(InMemoryChatMemoryRepository.class);
            });
  }
}
