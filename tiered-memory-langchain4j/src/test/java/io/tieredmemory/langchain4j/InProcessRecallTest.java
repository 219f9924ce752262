package io.tieredmemory.langchain4j;

import io.tieredmemory.core.TieredMemory;

/** {@link RecallScenarios} on the in-process tiers. */
class InProcessRecallTest extends RecallScenarios {
  @Override
  TieredMemory.Builder tiers(String name) {
    return TieredMemory.builder(name);
  }
}
