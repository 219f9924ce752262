package io.tieredmemory.core;

import java.util.Objects;

/**
 * One result of {@link TieredMemory#search(String, int)}.
 *
 * @param memory the memory found
 * @param tier the tier it was found in
 * @param similarity cosine similarity to the query, in [-1, 1]
 */
public record SearchHit(Memory memory, Tier tier, double similarity) {
  /** Checks the fields are present. */
  public SearchHit {
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(tier, "tier");
  }
}
