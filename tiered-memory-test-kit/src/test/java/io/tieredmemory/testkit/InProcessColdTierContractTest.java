package io.tieredmemory.testkit;

import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.SearchableTierStore;

class InProcessColdTierContractTest extends SearchableTierStoreContract {
  @Override
  protected SearchableTierStore createStore() {
    return InProcessTiers.cold(embedder());
  }
}
