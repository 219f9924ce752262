package io.tieredmemory.core;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One write: for {@link TieredMemory#put(MemoryWrite)} and {@link
 * TieredMemory#putAll(java.util.List)}. Checked against the store's {@link MemoryLimits} when
 * written.
 *
 * <pre>{@code
 * memory.put(MemoryWrite.of("doc:7", "Refunds take 5 days")
 *     .withMetadata(Map.of("kind", "policy"))
 *     .withEmbedding(model.embed("Refunds take 5 days")));   // optional: your own vector
 * }</pre>
 *
 * @param key the key
 * @param content the text content
 * @param metadata string metadata (copied)
 * @param embedding the writer's embedding, or null to let searches embed the content with the
 *     store's embedder; it must have the store embedder's dimension (copied)
 */
public record MemoryWrite(
    String key, String content, Map<String, String> metadata, float @Nullable [] embedding) {
  /**
   * Copies the metadata when it is valid; an invalid map (null, or with null keys or values) is
   * kept as given so that the store's {@link MemoryLimits} can name the problem when it is written.
   */
  public MemoryWrite {
    if (metadata != null && metadata.entrySet().stream().noneMatch(MemoryWrite::hasNull)) {
      metadata = Map.copyOf(metadata);
    }
    if (embedding != null) {
      embedding = embedding.clone();
    }
  }

  /** A write without an embedding of its own. */
  public MemoryWrite(String key, String content, Map<String, String> metadata) {
    this(key, content, metadata, null);
  }

  private static boolean hasNull(Map.Entry<String, String> e) {
    return e.getKey() == null || e.getValue() == null;
  }

  /** A write without metadata. */
  public static MemoryWrite of(String key, String content) {
    return new MemoryWrite(key, content, Map.of());
  }

  /** This write with {@code newMetadata}. */
  public MemoryWrite withMetadata(Map<String, String> newMetadata) {
    return new MemoryWrite(key, content, newMetadata, embedding);
  }

  /**
   * This write with the writer's own embedding: searches rank the memory by it, and every tier
   * keeps it with the memory.
   */
  public MemoryWrite withEmbedding(float @Nullable [] newEmbedding) {
    return new MemoryWrite(key, content, metadata, newEmbedding);
  }

  /** A copy of the embedding, or null. */
  @Override
  public float @Nullable [] embedding() {
    return embedding == null ? null : embedding.clone();
  }

  /** Equal when every component is, the embedding compared float for float. */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof MemoryWrite w
        && Objects.equals(key, w.key)
        && Objects.equals(content, w.content)
        && Objects.equals(metadata, w.metadata)
        && Arrays.equals(embedding, w.embedding);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, content, metadata) + 31 * Arrays.hashCode(embedding);
  }

  @Override
  public String toString() {
    return "MemoryWrite[key="
        + key
        + ", content="
        + content
        + ", metadata="
        + metadata
        + (embedding == null ? "" : ", embedding=" + embedding.length + " floats")
        + "]";
  }
}
