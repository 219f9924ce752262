package io.tieredmemory.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.SearchHit;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.embeddings.MiniLmEmbedder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** With tiered-memory-embeddings on the classpath, the stores search by meaning. */
class TieredMemoryEmbeddingsAutoConfigurationTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  TieredMemoryEmbeddingsAutoConfiguration.class,
                  TieredMemoryAutoConfiguration.class));

  @Test
  void withTheJar_theStoreSearchesByMeaning() {
    runner.run(
        ctx -> {
          TieredMemory store = ctx.getBean(TieredMemory.class);
          assertThat(store.embedder()).isSameAs(MiniLmEmbedder.shared());
          store.put("user:17:lang", "User u-17 prefers answers in French.");
          store.put("user:17:pet", "The user has a dog called Rex.");
          List<SearchHit> hits = store.search("Which language does the user like?", 1);
          assertThat(hits.get(0).memory().key()).isEqualTo("user:17:lang");
        });
  }

  @Test
  void anEmbedderOfTheApplications_wins() {
    runner
        .withUserConfiguration(OwnEmbedder.class)
        .run(
            ctx -> {
              assertThat(ctx).hasSingleBean(Embedder.class);
              assertThat(ctx.getBean(TieredMemory.class).embedder().id()).isEqualTo("hashing/64");
            });
  }

  @Test
  void withoutTheJar_wordMatching() {
    runner
        .withClassLoader(new FilteredClassLoader(MiniLmEmbedder.class))
        .run(
            ctx -> {
              assertThat(ctx).doesNotHaveBean(Embedder.class);
              assertThat(ctx.getBean(TieredMemory.class).embedder().id()).isEqualTo("hashing/256");
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnEmbedder {
    @Bean
    Embedder embedder() {
      return Embedder.hashing(64);
    }
  }
}
