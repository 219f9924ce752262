package io.tieredmemory.core;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

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
 */
public record Memory(
    String key,
    String content,
    Map<String, String> metadata,
    Instant createdAt,
    Instant updatedAt,
    long version) {

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
  }

  /** A copy of this memory with another version and update instant. */
  public Memory withVersion(long newVersion, Instant newUpdatedAt) {
    return new Memory(key, content, metadata, createdAt, newUpdatedAt, newVersion);
  }

  /** A copy of this memory with another creation instant (kept across updates of a key). */
  public Memory withCreatedAt(Instant newCreatedAt) {
    return new Memory(key, content, metadata, newCreatedAt, updatedAt, version);
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
