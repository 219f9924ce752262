package io.tieredmemory.langchain4j;

/**
 * LangChain4j's EmbeddingStore suite with filtering on Redis (HOT) + PostgreSQL (WARM) + Chroma
 * (COLD); each test gets a Redis prefix, a table and a collection of its own.
 */
class RealTiersEmbeddingStoreIT extends FilteringSuite {
  RealTiersEmbeddingStoreIT() {
    super(OneStore::realTiers);
  }
}
