package io.tieredmemory.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithFilteringIT;
import org.junit.jupiter.api.AfterEach;

/**
 * LangChain4j's EmbeddingStore suite with filtering (and, inherited, its basic and without-metadata
 * suites) on the in-process tiers.
 */
class InProcessEmbeddingStoreTest extends EmbeddingStoreWithFilteringIT {
  private final OneStore one = OneStore.inProcess();

  @Override
  protected EmbeddingStore<TextSegment> embeddingStore() {
    return one.store();
  }

  @Override
  protected EmbeddingModel embeddingModel() {
    return OneStore.MODEL;
  }

  /** Filters are run by LangChain4j itself ({@code Filter.test}), containsString included. */
  @Override
  protected boolean supportsContains() {
    return true;
  }

  @AfterEach
  void closeStore() throws Exception {
    one.close();
  }
}
