package io.tieredmemory.springai;

import io.micrometer.observation.ObservationRegistry;
import io.tieredmemory.core.TieredMemory;
import org.springframework.ai.embedding.BatchingStrategy;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.ai.vectorstore.observation.VectorStoreObservationConvention;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigureOrder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * A Spring AI {@link VectorStore} bean on the application's {@link TieredMemory} ({@link
 * TieredVectorStore}), when there is one store, one {@link EmbeddingModel} and no vector store of
 * the application's own (nor of a Spring AI vector store starter). Its documents' keys start with
 * {@code tiered-memory.spring-ai.vector-store.key-prefix} (default {@value
 * TieredVectorStore#DEFAULT_KEY_PREFIX}); {@code
 * tiered-memory.spring-ai.vector-store.enabled=false} turns it off. It observes into the
 * application's {@link ObservationRegistry}, with its {@link VectorStoreObservationConvention} and
 * {@link BatchingStrategy} when it has one.
 *
 * <p>Ordered last, as {@link TieredMemorySpringAiAutoConfiguration} is, so that the model starters'
 * {@code EmbeddingModel} and the vector store starters' {@code VectorStore} are defined when the
 * conditions are evaluated.
 */
@AutoConfiguration(afterName = "io.tieredmemory.spring.autoconfigure.TieredMemoryAutoConfiguration")
@AutoConfigureOrder(Ordered.LOWEST_PRECEDENCE)
@ConditionalOnClass({VectorStore.class, TieredMemory.class, EmbeddingModel.class})
@ConditionalOnBooleanProperty(
    name = "tiered-memory.spring-ai.vector-store.enabled",
    matchIfMissing = true)
@ConditionalOnSingleCandidate(EmbeddingModel.class)
public class TieredVectorStoreAutoConfiguration {

  /** The vector store on the memory store. */
  @Bean
  @ConditionalOnSingleCandidate(TieredMemory.class)
  @ConditionalOnMissingBean(VectorStore.class)
  TieredVectorStore tieredVectorStore(
      TieredMemory memory,
      EmbeddingModel embeddingModel,
      ObjectProvider<ObservationRegistry> observationRegistry,
      ObjectProvider<VectorStoreObservationConvention> convention,
      ObjectProvider<BatchingStrategy> batchingStrategy,
      @Value(
              "${tiered-memory.spring-ai.vector-store.key-prefix:"
                  + TieredVectorStore.DEFAULT_KEY_PREFIX
                  + "}")
          String keyPrefix) {
    TieredVectorStore.Builder builder =
        TieredVectorStore.builder(memory, embeddingModel)
            .keyPrefix(keyPrefix)
            .observationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP));
    convention.ifUnique(builder::customObservationConvention);
    batchingStrategy.ifUnique(builder::batchingStrategy);
    return builder.build();
  }
}
