package io.tieredmemory.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithRemovalIT;
import org.junit.jupiter.api.AfterEach;

/**
 * LangChain4j's EmbeddingStore removal suite on the in-process tiers, every memory archived to COLD
 * before each search and each removal by filter.
 */
class ArchivedEmbeddingStoreRemovalTest extends EmbeddingStoreWithRemovalIT {
  private final OneStore one = OneStore.inProcessArchived();

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
