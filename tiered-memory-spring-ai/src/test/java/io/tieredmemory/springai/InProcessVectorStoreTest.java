package io.tieredmemory.springai;

import io.tieredmemory.core.TieredMemory;

/** {@link VectorStoreContract} on the in-process tiers (WARM and COLD searchable by MiniLM). */
class InProcessVectorStoreTest extends VectorStoreContract {

  @Override
  TieredMemory.Builder tiers(String name) {
    return TieredMemory.builder(name).discoverObservers(false).embedder(MODEL.embedder);
  }
}
