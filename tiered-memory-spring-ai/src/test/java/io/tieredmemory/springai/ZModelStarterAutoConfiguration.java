package io.tieredmemory.springai;

import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * As a Spring AI model starter defines its model: in an auto-configuration of its own, with no
 * ordering, whose name sorts after {@link TieredMemorySpringAiAutoConfiguration}'s (as {@code
 * org.springframework.ai...} does): the embedder's condition must still see the model.
 */
@AutoConfiguration
public class ZModelStarterAutoConfiguration {

  /** The model. */
  @Bean
  @ConditionalOnMissingBean
  EmbeddingModel starterEmbeddingModel() {
    return new SpringAiEmbedderTest.FakeModel(8);
  }
}
