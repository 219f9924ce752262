package io.tieredmemory.springai;

import io.tieredmemory.core.spi.Embedder;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigureOrder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * When the application has one Spring AI {@link EmbeddingModel} bean (its own, or one of Spring
 * AI's model starters'), an {@link Embedder} bean over it ({@link SpringAiEmbedder}), which the
 * tiered-memory starter's stores then search with. An {@code Embedder} bean of the application's
 * own wins. The property {@code tiered-memory.spring-ai.embedding-dimension} gives the dimension;
 * without it the model is asked once.
 *
 * <p>Ordered last among the auto-configurations, so that the model starters have defined their
 * {@code EmbeddingModel} when the condition is evaluated; the stores read the {@code Embedder} bean
 * only when they are created, so being after them costs nothing.
 */
@AutoConfiguration
@AutoConfigureOrder(Ordered.LOWEST_PRECEDENCE)
@ConditionalOnClass({EmbeddingModel.class, Embedder.class})
public class TieredMemorySpringAiAutoConfiguration {

  /** The embedder over the application's embedding model. */
  @Bean
  @ConditionalOnSingleCandidate(EmbeddingModel.class)
  @ConditionalOnMissingBean(Embedder.class)
  SpringAiEmbedder springAiEmbedder(
      EmbeddingModel model,
      @Value("${tiered-memory.spring-ai.embedding-dimension:0}") int dimension) {
    return dimension > 0 ? new SpringAiEmbedder(model, dimension) : new SpringAiEmbedder(model);
  }
}
