package io.tieredmemory.langchain4j;

import org.junit.jupiter.api.Test;

/**
 * LangChain4j's EmbeddingStore suite with filtering on the in-process tiers, every memory archived
 * to COLD before each search ({@link ArchivingEmbeddingStore}).
 */
class ArchivedEmbeddingStoreTest extends FilteringSuite {
  ArchivedEmbeddingStoreTest() {
    super(OneStore::inProcessArchived);
  }

  @Test
  void everyMemoryIsInColdWhenASearchRuns() {
    ArchivingEmbeddingStore.assertSearchesFindThemInCold(one);
  }
}
