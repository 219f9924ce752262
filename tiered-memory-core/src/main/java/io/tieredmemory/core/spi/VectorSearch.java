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

  /**
   * Refuses the arguments no implementation can answer, with the messages every built-in tier
   * gives: {@code k} below 1, and a {@code queryVector} that is null or not of {@code embedder}'s
   * {@link Embedder#dimension() dimension}. Call it first in {@link #search}:
   *
   * <pre>{@code
   * public List<ScoredMemory> search(float[] queryVector, String queryText, int k) {
   *   VectorSearch.checkQuery(queryVector, k, embedder);
   *   ...
   * }
   * }</pre>
   *
   * @param queryVector the vector passed to {@link #search}
   * @param k the {@code k} passed to {@link #search}
   * @param embedder the tier's embedder, whose dimension the vector must have
   * @throws IllegalArgumentException naming the argument and its value
   */
  static void checkQuery(float[] queryVector, int k, Embedder embedder) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, was " + k);
    }
    if (queryVector == null || queryVector.length != embedder.dimension()) {
      throw new IllegalArgumentException(
          "queryVector must have "
              + embedder.dimension()
              + " dimensions (the tier's embedder), had "
              + (queryVector == null ? "null" : String.valueOf(queryVector.length)));
    }
  }
}
