package io.tieredmemory.core.spi;

import java.util.List;

/**
 * A tier that can answer similarity searches. A {@code TieredMemory} queries every searchable tier
 * it has and merges the results.
 */
public interface SearchableTierStore extends TierStore {
  /**
   * The {@code k} memories most similar to the query, most similar first.
   *
   * @param queryVector the query embedded by the store's {@link Embedder}
   * @param queryText the query text, for tiers that add full-text matching
   * @param k how many results at most, at least 1
   */
  List<ScoredMemory> search(float[] queryVector, String queryText, int k);
}
