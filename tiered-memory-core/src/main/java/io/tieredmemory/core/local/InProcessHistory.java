package io.tieredmemory.core.local;

import io.tieredmemory.core.HistoryEntry;
import io.tieredmemory.core.spi.HistoryLog;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The history log of an in-process WARM tier: every entry by id, and each key's entries in id
 * order. One lock; appends come in batches from the stores' writer threads, reads are rare.
 */
final class InProcessHistory implements HistoryLog {
  private final TreeMap<Long, HistoryEntry> byId = new TreeMap<>();
  private final Map<String, ArrayDeque<HistoryEntry>> byKey = new HashMap<>();
  private long lastId;

  @Override
  public synchronized void append(List<HistoryEntry> entries) {
    for (HistoryEntry e : entries) {
      HistoryEntry stored = e.withId(++lastId);
      byId.put(stored.id(), stored);
      byKey.computeIfAbsent(stored.key(), k -> new ArrayDeque<>()).addLast(stored);
    }
  }

  @Override
  public synchronized List<HistoryEntry> read(String key, int limit) {
    ArrayDeque<HistoryEntry> entries = byKey.get(key);
    if (entries == null || limit <= 0) {
      return List.of();
    }
    List<HistoryEntry> all = new ArrayList<>(entries);
    return List.copyOf(all.subList(Math.max(0, all.size() - limit), all.size()));
  }

  @Override
  public synchronized int pruneOlderThan(Instant cutoff, int limit) {
    int removed = 0;
    for (Iterator<HistoryEntry> it = byId.values().iterator(); it.hasNext() && removed < limit; ) {
      HistoryEntry e = it.next();
      if (e.at().isBefore(cutoff)) {
        it.remove();
        removeFromKey(e);
        removed++;
      }
    }
    return removed;
  }

  @Override
  public synchronized int trim(Collection<String> keys, int perKey) {
    int removed = 0;
    for (String key : keys) {
      ArrayDeque<HistoryEntry> entries = byKey.get(key);
      while (entries != null && entries.size() > perKey) {
        HistoryEntry oldest = entries.pollFirst();
        if (oldest != null) {
          byId.remove(oldest.id());
          removed++;
        }
      }
      if (entries != null && entries.isEmpty()) {
        byKey.remove(key);
      }
    }
    return removed;
  }

  private void removeFromKey(HistoryEntry e) {
    ArrayDeque<HistoryEntry> entries = byKey.get(e.key());
    if (entries != null) {
      entries.remove(e);
      if (entries.isEmpty()) {
        byKey.remove(e.key());
      }
    }
  }
}
