package io.tieredmemory.core.spi;

import io.tieredmemory.core.Memory;
import java.util.Objects;

/**
 * A search result from one tier.
 *
 * @param memory the memory found
 * @param similarity cosine similarity to the query in [-1, 1] (1 is identical)
 */
public record ScoredMemory(Memory memory, double similarity) {
  /** Checks the memory is present. */
  public ScoredMemory {
    Objects.requireNonNull(memory, "memory");
  }
}
