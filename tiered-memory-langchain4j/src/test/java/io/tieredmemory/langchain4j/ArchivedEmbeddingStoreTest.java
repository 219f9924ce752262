package io.tieredmemory.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithFilteringIT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * LangChain4j's EmbeddingStore suite with filtering on the in-process tiers, every memory archived
 * to COLD before each search ({@link ArchivingEmbeddingStore}).
 */
class ArchivedEmbeddingStoreTest extends EmbeddingStoreWithFilteringIT {
  private final OneStore one = OneStore.inProcessArchived();

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

  @Test
  void everyMemoryIsInColdWhenASearchRuns() {
    ArchivingEmbeddingStore.assertSearchesFindThemInCold(one);
  }

  @AfterEach
  void closeStore() throws Exception {
    one.close();
  }
}
