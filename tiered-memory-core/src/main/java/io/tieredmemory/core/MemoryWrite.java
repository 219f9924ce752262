package io.tieredmemory.core;

import java.util.Map;

/**
 * One write for {@link TieredMemory#putAll(java.util.List)}. Checked against the store's {@link
 * MemoryLimits} when written.
 *
 * @param key the key
 * @param content the text content
 * @param metadata string metadata (copied)
 */
public record MemoryWrite(String key, String content, Map<String, String> metadata) {
  /**
   * Copies the metadata when it is valid; an invalid map (null, or with null keys or values) is
   * kept as given so that the store's {@link MemoryLimits} can name the problem when it is written.
   */
  public MemoryWrite {
    if (metadata != null && metadata.entrySet().stream().noneMatch(MemoryWrite::hasNull)) {
      metadata = Map.copyOf(metadata);
    }
  }

  private static boolean hasNull(Map.Entry<String, String> e) {
    return e.getKey() == null || e.getValue() == null;
  }

  /** A write without metadata. */
  public static MemoryWrite of(String key, String content) {
    return new MemoryWrite(key, content, Map.of());
  }
}
