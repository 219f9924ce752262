package io.tieredmemory.core.spi;

/**
 * Turns text into a vector for similarity search. The default is {@link #hashing()}, a
 * deterministic offline embedder; plug in a real model by implementing this interface.
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

  /** The default offline embedder: feature hashing into 256 dimensions, L2-normalised. */
  static Embedder hashing() {
    return new HashingEmbedder(HashingEmbedder.DEFAULT_DIMENSION);
  }

  /** A feature-hashing embedder with {@code dimension} dimensions (at least 8). */
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
