package io.tieredmemory.testkit;

import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.TierStore;

class InProcessWarmTierContractTest extends SearchableTierStoreContract {
  @Override
  protected TierStore createStore() {
    return InProcessTiers.warm(embedder());
  }
}
