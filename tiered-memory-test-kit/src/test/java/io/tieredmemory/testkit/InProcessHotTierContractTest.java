package io.tieredmemory.testkit;

import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.TierStore;

class InProcessHotTierContractTest extends TierStoreContract {
  @Override
  protected TierStore createStore() {
    return InProcessTiers.hot();
  }
}
