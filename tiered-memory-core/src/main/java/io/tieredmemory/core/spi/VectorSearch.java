package io.tieredmemory.core.spi;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.SearchRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

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
   * The {@code k} memories most similar to the query among those {@code filter} accepts, most
   * similar first. The default asks {@link #search(float[], String, int)} for more candidates (4
   * times as many each round) until {@code k} pass the filter or the tier has no more; a tier that
   * can filter while it ranks should override it.
   *
   * @param filter which memories may be returned; {@link SearchRequest#ANY} accepts every one
   */
  default List<ScoredMemory> search(
      float[] queryVector, String queryText, int k, Predicate<Memory> filter) {
    if (filter == SearchRequest.ANY) {
      return search(queryVector, queryText, k);
    }
    int asked = k;
    while (true) {
      List<ScoredMemory> found = search(queryVector, queryText, asked);
      List<ScoredMemory> kept = new ArrayList<>(Math.min(k, found.size()));
      for (ScoredMemory s : found) {
        if (filter.test(s.memory())) {
          kept.add(s);
          if (kept.size() == k) {
            return kept;
          }
        }
      }
      if (found.size() < asked || asked >= MAX_CANDIDATES) {
        return kept;
      }
      asked = (int) Math.min(MAX_CANDIDATES, asked * 4L);
    }
  }

  /** The most candidates the default filtered {@link #search} asks a tier for. */
  int MAX_CANDIDATES = 1 << 20;

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
