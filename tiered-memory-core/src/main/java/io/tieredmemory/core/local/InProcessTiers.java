package io.tieredmemory.core.local;

import io.tieredmemory.core.internal.Validation;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.TierStore;

/**
 * The embedded default: tiers that live in the JVM heap. No server needed, nothing survives a
 * restart. Useful on their own for tests, demos and single-process agents, and as the reference
 * every real backend is checked against.
 *
 * <pre>{@code
 * TieredMemory memory = TieredMemory.builder("agent")
 *     .hot(InProcessTiers.hot())
 *     .warm(InProcessTiers.warm(Embedder.hashing()))
 *     .cold(InProcessTiers.cold(Embedder.hashing()))
 *     .build();   // the same as TieredMemory.builder("agent").build()
 * }</pre>
 *
 * <p>Reads cost one hash lookup. Sweep candidates come from an index of last access in one-second
 * buckets, so a sweep costs time proportional to the candidates it finds. Searches compare the
 * query with every stored vector (exact, linear in the number of memories held).
 */
public final class InProcessTiers {
  private InProcessTiers() {}

  /** An in-process HOT tier (not searchable). */
  public static TierStore hot() {
    return new InProcessTierStore("in-process");
  }

  /**
   * An in-process WARM tier, searchable with {@code embedder}, with the archive directory and the
   * reconcile journal a WARM tier keeps.
   */
  public static TierStore warm(Embedder embedder) {
    return new SearchableInProcessTierStore(Validation.requireNonNull("embedder", embedder), true);
  }

  /** An in-process COLD tier, searchable with {@code embedder}. */
  public static TierStore cold(Embedder embedder) {
    return new SearchableInProcessTierStore(Validation.requireNonNull("embedder", embedder), false);
  }

  /** An in-process tier that is not searchable and keeps no directory, for HOT or COLD. */
  public static TierStore plain() {
    return new InProcessTierStore("in-process");
  }
}
