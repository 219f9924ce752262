package io.tieredmemory.spring.autoconfigure;

import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.embeddings.MiniLmEmbedder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Search by meaning when {@code tiered-memory-embeddings} is on the classpath: an {@link Embedder}
 * bean over the sentence model all-MiniLM-L6-v2, run in process ({@link MiniLmEmbedder#shared()},
 * loaded on first use), which every store then searches with. It gives way to an {@code Embedder}
 * bean of the application's, and to the one the Spring AI adapter makes of the application's {@code
 * EmbeddingModel}; to keep word matching with the jar present, declare {@code @Bean Embedder
 * embedder() { return Embedder.hashing(); }}.
 */
@AutoConfiguration(
    before = TieredMemoryAutoConfiguration.class,
    afterName = "io.tieredmemory.springai.TieredMemorySpringAiAutoConfiguration")
@ConditionalOnClass({MiniLmEmbedder.class, Embedder.class})
public class TieredMemoryEmbeddingsAutoConfiguration {

  /** all-MiniLM-L6-v2 (quantized, 384 dimensions), shared by every store of the JVM. */
  @Bean
  @ConditionalOnMissingBean(Embedder.class)
  Embedder tieredMemoryEmbedder() {
    return MiniLmEmbedder.shared();
  }
}
