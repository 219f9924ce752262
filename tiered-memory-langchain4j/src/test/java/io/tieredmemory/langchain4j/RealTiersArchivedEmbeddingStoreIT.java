package io.tieredmemory.langchain4j;

import org.junit.jupiter.api.Test;

/**
 * LangChain4j's EmbeddingStore suite with filtering on Redis + PostgreSQL + Chroma, every memory
 * archived to Chroma before each search.
 */
class RealTiersArchivedEmbeddingStoreIT extends FilteringSuite {
  RealTiersArchivedEmbeddingStoreIT() {
    super(OneStore::realTiersArchived);
  }

  @Test
  void everyMemoryIsInColdWhenASearchRuns() {
    ArchivingEmbeddingStore.assertSearchesFindThemInCold(one);
  }
}
