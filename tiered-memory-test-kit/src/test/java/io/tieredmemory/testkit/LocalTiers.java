package io.tieredmemory.testkit;

import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.TierStore;

/**
 * Three in-process tiers a test keeps hold of, to look into or change a tier behind the store's
 * back ({@link TieredMemory#tier} is read-only by design).
 */
final class LocalTiers {
  final TierStore hot;
  final TierStore warm;
  final TierStore cold;

  LocalTiers() {
    this(
        InProcessTiers.hot(),
        InProcessTiers.warm(Embedder.hashing()),
        InProcessTiers.cold(Embedder.hashing()));
  }

  LocalTiers(TierStore hot, TierStore warm, TierStore cold) {
    this.hot = hot;
    this.warm = warm;
    this.cold = cold;
  }

  /** The tier that plays {@code tier}. */
  TierStore of(Tier tier) {
    return switch (tier) {
      case HOT -> hot;
      case WARM -> warm;
      case COLD -> cold;
    };
  }

  /** {@code builder} over these tiers. */
  TieredMemory.Builder on(TieredMemory.Builder builder) {
    return builder.hot(hot).warm(warm).cold(cold);
  }
}
