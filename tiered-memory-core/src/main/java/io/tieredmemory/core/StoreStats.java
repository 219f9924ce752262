package io.tieredmemory.core;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable snapshot of what each tier of a store holds, taken by {@link TieredMemory#stats()}.
 *
 * <p>HOT is a cache of WARM: a memory in HOT is also counted in WARM. COLD holds archived memories
 * only.
 *
 * @param store the store name
 * @param at when the snapshot was taken
 * @param tiers one entry per tier, in tier order
 */
public record StoreStats(String store, Instant at, Map<Tier, TierStats> tiers) {
  /** Copies the map into an unmodifiable, tier-ordered map. */
  public StoreStats {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(at, "at");
    tiers = java.util.Collections.unmodifiableMap(new EnumMap<>(tiers));
  }

  /** The stats of one tier. */
  public TierStats tier(Tier tier) {
    TierStats stats = tiers.get(tier);
    if (stats == null) {
      throw new IllegalArgumentException("no stats for tier " + tier + " in " + tiers.keySet());
    }
    return stats;
  }
}
