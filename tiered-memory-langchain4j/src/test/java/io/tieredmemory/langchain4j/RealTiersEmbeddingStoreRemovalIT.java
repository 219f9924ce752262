package io.tieredmemory.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithRemovalIT;
import org.junit.jupiter.api.AfterEach;

/** LangChain4j's EmbeddingStore removal suite on Redis + PostgreSQL + Chroma. */
class RealTiersEmbeddingStoreRemovalIT extends EmbeddingStoreWithRemovalIT {
  private final OneStore one = OneStore.realTiers();

  @Override
  protected EmbeddingStore<TextSegment> embeddingStore() {
    return one.store();
  }

  @Override
  protected EmbeddingModel embeddingModel() {
    return OneStore.MODEL;
  }

  @AfterEach
  void closeStore() throws Exception {
    one.close();
  }
}
