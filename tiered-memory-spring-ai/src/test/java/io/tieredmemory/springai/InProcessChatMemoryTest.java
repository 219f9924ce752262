package io.tieredmemory.springai;

import io.tieredmemory.core.TieredMemory;

/** {@link ChatMemoryContract} on the in-process tiers. */
class InProcessChatMemoryTest extends ChatMemoryContract {

  @Override
  TieredMemory.Builder tiers(String name) {
    return TieredMemory.builder(name).discoverObservers(false);
  }
}
