package io.tieredmemory.core.spi;

/**
 * Turns text into a vector for similarity search. The default, {@link #hashing()}, matches words,
 * not meaning: it has no model and no dependency, but finds a memory only through the words (and
 * parts of words) a query shares with it. For search that understands paraphrases, use a sentence
 * model: {@code tiered-memory-embeddings} has one that runs in process ({@code MiniLmEmbedder}), or
 * implement this interface over any model.
 *
 * <pre>{@code
 * Embedder model = new Embedder() {
 *   public int dimension() { return 384; }
 *   public float[] embed(String text) { return myModel.encode(text); }
 * };
 * }</pre>
 *
 * <p>Implementations must be thread-safe and return vectors of {@link #dimension()} floats. The
 * same embedder must be used for writing and querying a COLD tier.
 */
public interface Embedder {
  /** The length of every vector this embedder returns. */
  int dimension();

  /** Embeds {@code text}. */
  float[] embed(String text);

  /**
   * What names this embedder's vector space, recorded with a tier's data (the PostgreSQL table, the
   * Chroma collection) so that a store opened with another embedder fails instead of mixing vectors
   * of two models. Two embedders with the same id must give the same vector for the same text. The
   * default is the class name and the dimension; an embedder whose class can run several models (a
   * model's name, a revision) should include them.
   */
  default String id() {
    return getClass().getName() + "/" + dimension();
  }

  /**
   * The default embedder: word matching by feature hashing, not a semantic model. Each lower-cased
   * word and each of its character trigrams is hashed to one of 256 dimensions; the vector is
   * L2-normalised. Deterministic, offline, dependency-free and fast (microseconds per text).
   *
   * <p>Texts that share words score high; texts that say the same thing in other words score near
   * zero. On this project's retrieval set (docs/search.md: 120 memories), questions that paraphrase
   * a memory with no word in common find it in the top 5 for 1 question in 10, where {@code
   * MiniLmEmbedder} ({@code tiered-memory-embeddings}) finds it for 117 of 120; questions that
   * repeat the memory's words find it every time with either.
   */
  static Embedder hashing() {
    return new HashingEmbedder(HashingEmbedder.DEFAULT_DIMENSION);
  }

  /**
   * A feature-hashing (word matching) embedder with {@code dimension} dimensions (at least 8).
   *
   * @see #hashing()
   */
  static Embedder hashing(int dimension) {
    return new HashingEmbedder(dimension);
  }

  /** Cosine similarity of two vectors of equal length (0 when either is all zeros). */
  static double cosine(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "vectors must have equal length, were " + a.length + " and " + b.length);
    }
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    if (na == 0 || nb == 0) {
      return 0;
    }
    // Clamped: rounding can push the ratio of two float vectors a hair outside [-1, 1].
    return Math.max(-1.0, Math.min(1.0, dot / (Math.sqrt(na) * Math.sqrt(nb))));
  }
}
