package io.tieredmemory.langchain4j;

import io.tieredmemory.core.TieredMemory;

/** The scenarios on the in-process tiers (the store's defaults). */
class InProcessChatMemoryStoreTest extends ChatMemoryStoreScenarios {
  @Override
  TieredMemory.Builder tiers(String name) {
    return TieredMemory.builder(name);
  }
}
