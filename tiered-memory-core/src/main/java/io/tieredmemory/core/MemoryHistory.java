package io.tieredmemory.core;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a memory lives now and how it got there: what {@link TieredMemory#history(String)} returns.
 *
 * @param key the memory's key
 * @param tier where it lives now: HOT (WARM holds it too), WARM, or COLD (WARM holds its archive
 *     mark); null if no tier holds it (never written, or deleted)
 * @param version the version it lives at now, 0 when {@code tier} is null
 * @param entries its history, oldest first: the newest {@code historyPerKey} entries kept within
 *     the retention, as every instance sharing WARM recorded them
 */
public record MemoryHistory(
    String key, @Nullable Tier tier, long version, List<HistoryEntry> entries) {
  /** Checks the fields and copies the entries. */
  public MemoryHistory {
    Objects.requireNonNull(key, "key");
    entries = List.copyOf(entries);
  }

  /** Whether some tier holds the memory now. */
  public boolean exists() {
    return tier != null;
  }

  /** Whether nothing is known of the key: no tier holds it and no history was kept. */
  public boolean unknown() {
    return tier == null && entries.isEmpty();
  }
}
