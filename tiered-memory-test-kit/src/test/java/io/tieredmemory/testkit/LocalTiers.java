package io.tieredmemory.testkit;

import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.TierStore;
import java.time.Duration;

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

  /**
   * A store over {@code hot}, {@code warm} and {@code cold} that never promotes, demotes after 1
   * min idle and archives after 1 h, sweeping only when told: the store the sweep and search tests
   * share.
   */
  static TieredMemory.Builder sweepingStore(
      String name, TierStore hot, TierStore warm, TierStore cold, ManualClock clock) {
    return TieredMemory.builder(name)
        // the test tiers say they are remote: make each read's move before it returns,
        // so what the test checks next does not race a background move
        .readMoves(ReadMoves.CALLER)
        .hot(hot)
        .warm(warm)
        .cold(cold)
        .clock(clock)
        .policy(
            TieringPolicy.custom()
                .neverPromote()
                .demoteWhenIdle(Duration.ofMinutes(1))
                .archiveWhenIdle(Duration.ofHours(1))
                .build())
        .disableScheduledSweeps()
        .discoverObservers(false);
  }
}
