package io.tieredmemory.core;

import io.tieredmemory.core.spi.Embedder;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One memory: a key, its text content and string metadata, with the instants it was created and
 * last written and its version.
 *
 * <p>The version is monotonic per key: every {@code put} stores a version greater than any version
 * the key had before, in any tier. Versions are hybrid logical clock values (the writer's wall
 * clock in microseconds, or the previous version plus one if that is larger), so a memory that
 * comes back from the archive can never be mistaken for a newer one.
 *
 * <p>Access statistics (read count, last read) are kept by the tiers, not in this value, so that a
 * read returns the stored value without copying it.
 *
 * <p>A memory may carry an embedding its writer supplied ({@link MemoryWrite#withEmbedding}): the
 * vector a search ranks it by, in place of its content embedded by the store's embedder. Every tier
 * stores it with the memory, float for float, and every move carries it, so nothing is embedded
 * again when a memory changes tier. Frameworks that compute their own embeddings (LangChain4j's
 * {@code EmbeddingStore}, Spring AI's {@code VectorStore}) write through it.
 *
 * <pre>{@code
 * Memory m = store.put("user:42:prefers", "Prefers answers in French");
 * m.version();   // e.g. 1733990400000000
 * }</pre>
 *
 * @param key the key, non-blank (limits are enforced by the store, see {@link MemoryLimits})
 * @param content the text content, never null (may be empty)
 * @param metadata string metadata, never null, unmodifiable
 * @param createdAt when the key was first written
 * @param updatedAt when this version was written
 * @param version this version, at least 1
 * @param embedding the writer's embedding of this memory, or null (then searches embed the content
 *     with the store's embedder); copied in and out, never shared
 */
public record Memory(
    String key,
    String content,
    Map<String, String> metadata,
    Instant createdAt,
    Instant updatedAt,
    long version,
    float @Nullable [] embedding) {

  /** Checks the invariants every tier relies on; the store's own limits are checked earlier. */
  public Memory {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
    if (version < 1) {
      throw new IllegalArgumentException(
          "version must be >= 1, was " + version + " for key " + key);
    }
    if (embedding != null) {
      if (embedding.length == 0) {
        throw new IllegalArgumentException("embedding of key " + key + " must not be empty");
      }
      embedding = embedding.clone();
    }
  }

  /** A memory without an embedding of its writer's. */
  public Memory(
      String key,
      String content,
      Map<String, String> metadata,
      Instant createdAt,
      Instant updatedAt,
      long version) {
    this(key, content, metadata, createdAt, updatedAt, version, null);
  }

  /** A copy of the writer's embedding, or null when the memory has none. */
  @Override
  public float @Nullable [] embedding() {
    return embedding == null ? null : embedding.clone();
  }

  /** Whether the memory carries an embedding of its writer's. */
  public boolean hasEmbedding() {
    return embedding != null;
  }

  /**
   * The cosine similarity of {@code query} with this memory's embedding, without copying it.
   *
   * @throws IllegalStateException if the memory has no embedding
   * @throws IllegalArgumentException if the lengths differ
   */
  public double similarityTo(float[] query) {
    if (embedding == null) {
      throw new IllegalStateException("memory " + key + " has no embedding");
    }
    return Embedder.cosine(query, embedding);
  }

  /** A copy of this memory with another version and update instant. */
  public Memory withVersion(long newVersion, Instant newUpdatedAt) {
    return new Memory(key, content, metadata, createdAt, newUpdatedAt, newVersion, embedding);
  }

  /** A copy of this memory with another creation instant (kept across updates of a key). */
  public Memory withCreatedAt(Instant newCreatedAt) {
    return new Memory(key, content, metadata, newCreatedAt, updatedAt, version, embedding);
  }

  /** A copy of this memory with {@code newEmbedding} (null: none). */
  public Memory withEmbedding(float @Nullable [] newEmbedding) {
    return new Memory(key, content, metadata, createdAt, updatedAt, version, newEmbedding);
  }

  /** Equal when every component is, the embedding compared float for float. */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Memory m
        && version == m.version
        && key.equals(m.key)
        && content.equals(m.content)
        && metadata.equals(m.metadata)
        && createdAt.equals(m.createdAt)
        && updatedAt.equals(m.updatedAt)
        && Arrays.equals(embedding, m.embedding);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, content, metadata, createdAt, updatedAt, version)
        + 31 * Arrays.hashCode(embedding);
  }

  @Override
  public String toString() {
    return "Memory[key="
        + key
        + ", content="
        + content
        + ", metadata="
        + metadata
        + ", createdAt="
        + createdAt
        + ", updatedAt="
        + updatedAt
        + ", version="
        + version
        + (embedding == null ? "" : ", embedding=" + embedding.length + " floats")
        + "]";
  }

  /**
   * The size this memory takes in a tier, in bytes: UTF-8 length of key, content and metadata.
   * Computed on each call; tiers cache it.
   */
  public long sizeInBytes() {
    long size = Utf8.length(key) + Utf8.length(content);
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      size += Utf8.length(e.getKey()) + Utf8.length(e.getValue());
    }
    return size;
  }
}
