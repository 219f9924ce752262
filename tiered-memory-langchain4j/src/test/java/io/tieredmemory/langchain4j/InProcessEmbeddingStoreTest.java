package io.tieredmemory.langchain4j;

/** LangChain4j's EmbeddingStore suite with filtering on the in-process tiers. */
class InProcessEmbeddingStoreTest extends FilteringSuite {
  InProcessEmbeddingStoreTest() {
    super(OneStore::inProcess);
  }
}
