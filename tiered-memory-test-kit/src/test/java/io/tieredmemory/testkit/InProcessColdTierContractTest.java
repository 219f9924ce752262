package io.tieredmemory.testkit;

import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.TierStore;

class InProcessColdTierContractTest extends SearchableTierStoreContract {
  @Override
  protected TierStore createStore() {
    return InProcessTiers.cold(embedder());
  }
}
