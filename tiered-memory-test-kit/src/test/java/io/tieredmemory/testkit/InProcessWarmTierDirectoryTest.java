package io.tieredmemory.testkit;

import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.TierStore;

class InProcessWarmTierDirectoryTest extends WarmTierContract {
  @Override
  protected TierStore createStore() {
    return InProcessTiers.warm(Embedder.hashing());
  }
}
