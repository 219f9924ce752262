package io.tieredmemory.core.spi;

import io.tieredmemory.core.internal.Validation;
import java.util.Locale;

/**
 * Feature hashing: each lower-cased word and each of its character trigrams is hashed (FNV-1a, 64
 * bit) to a dimension and a sign; the sum is L2-normalised. Deterministic across JVMs and runs, no
 * model, no network. Similar wording gives similar vectors; meaning does not.
 */
final class HashingEmbedder implements Embedder {
  static final int DEFAULT_DIMENSION = 256;
  private static final float WORD_WEIGHT = 1.0f;
  private static final float TRIGRAM_WEIGHT = 0.5f;

  private final int dimension;

  HashingEmbedder(int dimension) {
    this.dimension = Validation.requireAtLeast("dimension", dimension, 8);
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public float[] embed(String text) {
    Validation.requireNonNull("text", text);
    float[] v = new float[dimension];
    String lower = text.toLowerCase(Locale.ROOT);
    int start = -1;
    for (int i = 0; i <= lower.length(); i++) {
      boolean wordChar = i < lower.length() && Character.isLetterOrDigit(lower.charAt(i));
      if (wordChar && start < 0) {
        start = i;
      } else if (!wordChar && start >= 0) {
        addWord(v, lower, start, i);
        start = -1;
      }
    }
    double norm = 0;
    for (float x : v) {
      norm += (double) x * x;
    }
    if (norm > 0) {
      float inv = (float) (1.0 / Math.sqrt(norm));
      for (int i = 0; i < v.length; i++) {
        v[i] *= inv;
      }
    }
    return v;
  }

  private void addWord(float[] v, String s, int from, int to) {
    add(v, fnv(s, from, to, 0x77), WORD_WEIGHT);
    if (to - from >= 3) {
      for (int i = from; i + 3 <= to; i++) {
        add(v, fnv(s, i, i + 3, 0x33), TRIGRAM_WEIGHT);
      }
    }
  }

  private void add(float[] v, long hash, float weight) {
    int index = (int) Long.remainderUnsigned(hash >>> 1, dimension);
    v[index] += (hash & 1L) == 0 ? weight : -weight;
  }

  private static long fnv(String s, int from, int to, int salt) {
    long h = 0xcbf29ce484222325L ^ salt;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      h ^= c & 0xff;
      h *= 0x100000001b3L;
      h ^= c >>> 8;
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** {@code hashing/<dimension>}: the same for every instance of the same dimension. */
  @Override
  public String id() {
    return "hashing/" + dimension;
  }

  @Override
  public String toString() {
    return "HashingEmbedder[dimension=" + dimension + "]";
  }
}
