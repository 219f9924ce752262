package io.tieredmemory.springai;

import io.tieredmemory.core.TieredMemory;

/** {@link RecallScenarios} on the in-process tiers. */
class InProcessRecallTest extends RecallScenarios {
  @Override
  TieredMemory.Builder tiers(String name) {
    return TieredMemory.builder(name).discoverObservers(false).embedder(MODEL.embedder);
  }
}
