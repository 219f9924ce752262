package io.tieredmemory.core;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What each tier holds of each kind of knowledge, counted exactly by the tiers, taken by {@link
 * TieredMemory#kindStats()}.
 *
 * <p>Counts as {@link StoreStats} does: HOT is a cache of WARM (a memory in HOT is also counted in
 * WARM), an archived memory counts in COLD only.
 *
 * @param store the store name
 * @param at when the counts were taken
 * @param kinds every kind label of the store: the admitted kinds in order of admission, then {@link
 *     Kinds#NONE} and {@link Kinds#OTHER}; at most {@link Kinds#maxKinds()} + 2
 * @param tiers per tier, every label's count (zero when the tier holds none of it); a tier that
 *     could not be counted (it failed, or its backend does not count by kind) is absent
 */
public record KindStats(
    String store, Instant at, List<String> kinds, Map<Tier, Map<String, KindCount>> tiers) {
  /** Copies the list and map into unmodifiable ones. */
  public KindStats {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(at, "at");
    kinds = List.copyOf(kinds);
    tiers = Collections.unmodifiableMap(new EnumMap<>(tiers));
  }

  /**
   * What {@code tier} holds of {@code kind}; {@link KindCount#ZERO} for an unknown kind.
   *
   * @throws IllegalArgumentException if the tier could not be counted
   */
  public KindCount count(Tier tier, String kind) {
    Map<String, KindCount> byKind = tiers.get(tier);
    if (byKind == null) {
      throw new IllegalArgumentException("tier " + tier + " was not counted by kind");
    }
    return byKind.getOrDefault(kind, KindCount.ZERO);
  }
}
