package io.tieredmemory.core.spi;

import java.util.List;

/**
 * Similarity search, a capability of a {@link TierStore} ({@link TierStore#vectorSearch()}). A
 * {@code TieredMemory} queries every tier that has it and merges the results.
 *
 * <pre>{@code
 * tier.vectorSearch().ifPresent(s -> s.search(embedder.embed("french"), "french", 5));
 * }</pre>
 */
@FunctionalInterface
public interface VectorSearch {
  /**
   * The {@code k} memories most similar to the query, most similar first.
   *
   * @param queryVector the query embedded by the store's {@link Embedder}
   * @param queryText the query text, for tiers that add full-text matching
   * @param k how many results at most, at least 1
   */
  List<ScoredMemory> search(float[] queryVector, String queryText, int k);
}
