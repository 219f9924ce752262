package io.tieredmemory.core.spi;

import io.tieredmemory.core.Memory;
import java.util.Objects;

/**
 * A memory as a tier holds it: the value plus the tier's access statistics. Moves carry these
 * statistics from one tier to the next, so a memory keeps its history wherever it lives.
 *
 * @param memory the value
 * @param accessCount reads recorded for it (approximate under concurrent reads)
 * @param lastAccessMillis epoch millis of the last read or write
 */
public record StoredMemory(Memory memory, long accessCount, long lastAccessMillis) {
  /** Checks the value is present. */
  public StoredMemory {
    Objects.requireNonNull(memory, "memory");
  }

  /** Shortcut for {@code memory().key()}. */
  public String key() {
    return memory.key();
  }

  /** Shortcut for {@code memory().version()}. */
  public long version() {
    return memory.version();
  }
}
