package io.tieredmemory.core.spi;

import io.tieredmemory.core.HistoryEntry;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The durable history of memories, kept by a WARM tier ({@link TierStore#history()}) and shared by
 * every store instance on that tier. The store appends in batches from a thread of its own and
 * prunes in sweeps; entries are never updated.
 */
public interface HistoryLog {
  /**
   * Stores the entries in their order, each under a new id greater than every id stored before (by
   * any instance). Either all are stored or, if it throws, none.
   */
  void append(List<HistoryEntry> entries);

  /** The newest {@code limit} entries of {@code key}, oldest first (by id). */
  List<HistoryEntry> read(String key, int limit);

  /**
   * Removes at most {@code limit} entries older than {@code cutoff} (by their {@code at}), oldest
   * first.
   *
   * @return how many were removed
   */
  int pruneOlderThan(Instant cutoff, int limit);

  /**
   * Removes the entries of each of {@code keys} beyond its newest {@code perKey}.
   *
   * @return how many were removed
   */
  int trim(Collection<String> keys, int perKey);
}
