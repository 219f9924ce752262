package io.tieredmemory.springai;

import io.tieredmemory.core.spi.Embedder;
import java.util.Objects;
import org.springframework.ai.embedding.EmbeddingModel;

/**
 * An {@link Embedder} over Spring AI's {@link EmbeddingModel}: the store's search (WARM and COLD)
 * uses the application's embedding model.
 *
 * <pre>{@code
 * TieredMemory store =
 *     TieredMemory.builder("agent").embedder(new SpringAiEmbedder(embeddingModel)).build();
 * }</pre>
 *
 * <p>The dimension is the one given, or else {@link EmbeddingModel#dimensions()}, asked once, on
 * the first call to {@link #dimension()} (for most models that embeds a test string: one call to
 * the model). Every vector is checked against it: a model that returns another length fails with an
 * {@link IllegalStateException} naming both lengths, never storing a vector of the wrong size.
 */
public final class SpringAiEmbedder implements Embedder {

  private final EmbeddingModel model;
  private volatile int dimension;

  /** An embedder whose dimension is asked of {@code model} when first needed. */
  public SpringAiEmbedder(EmbeddingModel model) {
    this.model = Objects.requireNonNull(model, "model");
    this.dimension = 0;
  }

  /**
   * An embedder of {@code dimension} floats (the model is not asked).
   *
   * @throws IllegalArgumentException when {@code dimension} is not positive
   */
  public SpringAiEmbedder(EmbeddingModel model, int dimension) {
    this.model = Objects.requireNonNull(model, "model");
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be at least 1, was " + dimension);
    }
    this.dimension = dimension;
  }

  /** The model. */
  public EmbeddingModel model() {
    return model;
  }

  /**
   * The length of every vector.
   *
   * @throws IllegalStateException when the model cannot tell it, or tells a length below 1
   */
  @Override
  public int dimension() {
    int d = dimension;
    if (d > 0) {
      return d;
    }
    synchronized (this) {
      if (dimension > 0) {
        return dimension;
      }
      int asked;
      try {
        asked = model.dimensions();
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "could not read the dimension of the embedding model "
                + describe()
                + " ("
                + e
                + "); give it with new SpringAiEmbedder(model, dimension)"
                + " or the property tiered-memory.spring-ai.embedding-dimension",
            e);
      }
      if (asked < 1) {
        throw new IllegalStateException(
            "the embedding model "
                + describe()
                + " reports dimension "
                + asked
                + "; give it with new SpringAiEmbedder(model, dimension)"
                + " or the property tiered-memory.spring-ai.embedding-dimension");
      }
      dimension = asked;
      return asked;
    }
  }

  /**
   * The model's vector for {@code text}.
   *
   * @throws IllegalStateException when the model fails, or returns no vector or one of another
   *     length than {@link #dimension()}
   */
  @Override
  public float[] embed(String text) {
    Objects.requireNonNull(text, "text");
    int expected = dimension();
    float[] v;
    try {
      v = model.embed(text);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "the embedding model "
              + describe()
              + " failed to embed a text of "
              + text.length()
              + " chars: "
              + e,
          e);
    }
    if (v == null) {
      throw new IllegalStateException(
          "the embedding model "
              + describe()
              + " returned no vector for a text of "
              + text.length()
              + " chars");
    }
    if (v.length != expected) {
      throw new IllegalStateException(
          "the embedding model "
              + describe()
              + " returned "
              + v.length
              + " floats, expected "
              + expected
              + " (the embedder's dimension): vectors of different models or settings cannot"
              + " be mixed");
    }
    return v;
  }

  private String describe() {
    return model.getClass().getName();
  }

  @Override
  public String toString() {
    int d = dimension;
    return "SpringAiEmbedder[" + describe() + (d > 0 ? ", dimension " + d : "") + "]";
  }
}
