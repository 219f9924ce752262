package io.tieredmemory.core;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * What {@link TieredMemory#search(SearchRequest)} looks for: a query (text, a vector, or both), how
 * many results at most, the least similarity a result must have, and a filter on the memories.
 *
 * <pre>{@code
 * SearchRequest.text("which language does the user like", 5);
 * SearchRequest.vector(model.embed("refund delay"), 10)
 *     .withMinSimilarity(0.5)
 *     .withFilter(m -> m.key().startsWith("doc:"));
 * }</pre>
 *
 * <p>With a vector, results are ranked by it; the text, when also given, is passed to the tiers
 * that add full-text candidates (WARM on PostgreSQL). With text only, the store's embedder embeds
 * it. The filter runs in the tiers on each candidate before the {@code k} best are kept, so a
 * selective filter still returns up to {@code k} results; it must be fast, side-effect free and
 * thread-safe.
 *
 * @param text the query text, or null when the request has a vector
 * @param vector the query vector (copied), or null to embed the text
 * @param k the most results to return, 1 to {@value #MAX_K}
 * @param minSimilarity the least cosine similarity a result may have, -1 (any) to 1
 * @param filter which memories may be returned (never null; {@link #ANY} accepts all)
 * @param source who searches, the label of the {@link io.tieredmemory.core.event.TierEvent.Recalled
 *     Recalled} event and of the recall metrics ({@link RecallSource#API} unless {@link
 *     #withSource} says otherwise; see {@link RecallSource#check} for what a label may be)
 */
public record SearchRequest(
    @Nullable String text,
    float @Nullable [] vector,
    int k,
    double minSimilarity,
    Predicate<Memory> filter,
    String source) {

  /** The most results one search returns. */
  public static final int MAX_K = 1000;

  /** The filter that accepts every memory. */
  public static final Predicate<Memory> ANY = m -> true;

  /** Checks every component; the message names the one refused and its value. */
  public SearchRequest {
    if (text == null && vector == null) {
      throw new IllegalArgumentException("a search needs text or a vector, had neither");
    }
    if (vector != null) {
      vector = vector.clone();
    }
    if (k < 1 || k > MAX_K) {
      throw new IllegalArgumentException("k must be between 1 and " + MAX_K + ", was " + k);
    }
    if (!(minSimilarity >= -1 && minSimilarity <= 1)) {
      throw new IllegalArgumentException(
          "minSimilarity must be between -1 and 1, was " + minSimilarity);
    }
    Objects.requireNonNull(filter, "filter");
    RecallSource.check(source);
  }

  /** A request with the source {@link RecallSource#API}; see the canonical constructor. */
  public SearchRequest(
      @Nullable String text,
      float @Nullable [] vector,
      int k,
      double minSimilarity,
      Predicate<Memory> filter) {
    this(text, vector, k, minSimilarity, filter, RecallSource.API);
  }

  /** The {@code k} memories most similar to {@code text}, embedded by the store's embedder. */
  public static SearchRequest text(String text, int k) {
    if (text == null) {
      throw new IllegalArgumentException("text must not be null");
    }
    return new SearchRequest(text, null, k, -1, ANY);
  }

  /** The {@code k} memories most similar to {@code vector} (of the embedder's dimension). */
  public static SearchRequest vector(float[] vector, int k) {
    if (vector == null) {
      throw new IllegalArgumentException("vector must not be null");
    }
    return new SearchRequest(null, vector, k, -1, ANY);
  }

  /** This request, also passing {@code newText} to tiers that add full-text candidates. */
  public SearchRequest withText(@Nullable String newText) {
    return new SearchRequest(newText, vector, k, minSimilarity, filter, source);
  }

  /** This request, returning only results at least {@code value} similar. */
  public SearchRequest withMinSimilarity(double value) {
    return new SearchRequest(text, vector, k, value, filter, source);
  }

  /** This request, returning only memories {@code newFilter} accepts. */
  public SearchRequest withFilter(Predicate<Memory> newFilter) {
    if (newFilter == null) {
      throw new IllegalArgumentException("filter must not be null");
    }
    return new SearchRequest(text, vector, k, minSimilarity, newFilter, source);
  }

  /** This request, returning at most {@code newK} results. */
  public SearchRequest withK(int newK) {
    return new SearchRequest(text, vector, newK, minSimilarity, filter, source);
  }

  /**
   * This request, recorded as recalled by {@code newSource} (a framework adapter sets its own, e.g.
   * {@link RecallSource#LANGCHAIN4J}).
   *
   * @throws IllegalArgumentException if {@code newSource} is not a valid label ({@link
   *     RecallSource#check})
   */
  public SearchRequest withSource(String newSource) {
    return new SearchRequest(text, vector, k, minSimilarity, filter, newSource);
  }

  /** A copy of the vector, or null. */
  @Override
  public float @Nullable [] vector() {
    return vector == null ? null : vector.clone();
  }

  /** Whether the request has a vector (else its text is embedded). */
  public boolean hasVector() {
    return vector != null;
  }

  /** Whether the filter is {@link #ANY}. */
  public boolean filtered() {
    return filter != ANY;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof SearchRequest r
        && k == r.k
        && Double.compare(minSimilarity, r.minSimilarity) == 0
        && Objects.equals(text, r.text)
        && Arrays.equals(vector, r.vector)
        && filter.equals(r.filter)
        && source.equals(r.source);
  }

  @Override
  public int hashCode() {
    return Objects.hash(text, k, minSimilarity, filter, source) + 31 * Arrays.hashCode(vector);
  }

  @Override
  public String toString() {
    return "SearchRequest[text="
        + text
        + (vector == null ? "" : ", vector=" + vector.length + " floats")
        + ", k="
        + k
        + ", minSimilarity="
        + minSimilarity
        + (filtered() ? ", filtered" : "")
        + (source.equals(RecallSource.API) ? "" : ", source=" + source)
        + "]";
  }
}
