package io.tieredmemory.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import io.tieredmemory.core.spi.Embedder;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An {@link Embedder} over any LangChain4j {@link EmbeddingModel}: an in-process ONNX model, a
 * remote embedding API, your own. The dimension is the model's, asked once when the embedder is
 * made.
 *
 * <pre>{@code
 * EmbeddingModel model = ...;   // e.g. new AllMiniLmL6V2QuantizedEmbeddingModel()
 * TieredMemory memory = TieredMemory.builder("agent")
 *     .embedder(LangChain4jEmbedder.of(model))
 *     .build();
 * }</pre>
 *
 * <p>Every vector the model returns is checked: a missing response or embedding, a vector of
 * another length than {@link #dimension()}, or a NaN or infinite value throws {@link
 * IllegalStateException} naming the model, never reaching a tier. Exceptions of the model itself (a
 * remote API down, say) reach the caller unchanged. Thread-safe when the model is, as LangChain4j
 * models are. The same embedder (same model, same dimension) must be used to write and to query a
 * COLD tier.
 */
public final class LangChain4jEmbedder implements Embedder {
  private final EmbeddingModel model;
  private final int dimension;

  private LangChain4jEmbedder(EmbeddingModel model, int dimension) {
    this.model = model;
    this.dimension = dimension;
  }

  /**
   * An embedder over {@code model}, of the model's {@link EmbeddingModel#dimension() dimension}
   * (which a model that does not know it in advance finds by embedding one short text).
   *
   * @throws IllegalArgumentException if {@code model} is null or reports a dimension below 1
   */
  public static LangChain4jEmbedder of(EmbeddingModel model) {
    if (model == null) {
      throw new IllegalArgumentException("model must not be null");
    }
    int dimension;
    try {
      dimension = model.dimension();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "could not ask EmbeddingModel " + describe(model) + " for its dimension: " + e, e);
    }
    if (dimension < 1) {
      throw new IllegalArgumentException(
          "EmbeddingModel "
              + describe(model)
              + " reported dimension "
              + dimension
              + ", must be >= 1");
    }
    return new LangChain4jEmbedder(model, dimension);
  }

  /** The LangChain4j model this embedder calls. */
  public EmbeddingModel model() {
    return model;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  /**
   * Embeds {@code text} with the model.
   *
   * @throws IllegalArgumentException if {@code text} is null
   * @throws IllegalStateException if the model returns no vector, a vector of another length than
   *     {@link #dimension()}, or a NaN or infinite value
   */
  @Override
  public float[] embed(String text) {
    if (text == null) {
      throw new IllegalArgumentException("text must not be null");
    }
    @Nullable Response<Embedding> response = model.embed(text);
    @Nullable Embedding embedding = response == null ? null : response.content();
    float @Nullable [] vector = embedding == null ? null : embedding.vector();
    if (vector == null) {
      throw new IllegalStateException(
          "EmbeddingModel "
              + describe(model)
              + " returned no embedding for a text of "
              + text.length()
              + " chars");
    }
    if (vector.length != dimension) {
      throw new IllegalStateException(
          "EmbeddingModel "
              + describe(model)
              + " returned a vector of "
              + vector.length
              + " dimensions, expected "
              + dimension
              + " (its dimension when this embedder was made)");
    }
    for (int i = 0; i < vector.length; i++) {
      if (!Float.isFinite(vector[i])) {
        throw new IllegalStateException(
            "EmbeddingModel "
                + describe(model)
                + " returned a vector with "
                + vector[i]
                + " at index "
                + i);
      }
    }
    return vector.clone(); // the model may keep or reuse its array
  }

  @Override
  public String toString() {
    return "LangChain4jEmbedder[" + describe(model) + ", dimension=" + dimension + "]";
  }

  private static String describe(EmbeddingModel model) {
    String name;
    try {
      name = model.modelName();
    } catch (RuntimeException e) {
      name = null;
    }
    String type = model.getClass().getName();
    return name == null || name.isBlank() || Objects.equals(name, "unknown")
        ? type
        : type + " (" + name + ")";
  }
}
