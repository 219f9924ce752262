package io.tieredmemory.core.local;

import io.tieredmemory.core.spi.EventLog;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The event log of an in-process WARM tier: entries by id under one lock, so ids are visible in
 * order. Lives with the tier: stores and feeds rebuilt on the same tier object find it again.
 */
final class InProcessEventLog implements EventLog {
  private final TreeMap<Long, Entry> byId = new TreeMap<>();
  private final byte[] salt = new byte[16];
  private long lastId;

  InProcessEventLog() {
    new SecureRandom().nextBytes(salt);
  }

  @Override
  public synchronized void append(List<Entry> entries) {
    for (Entry e : entries) {
      long id = ++lastId;
      byId.put(id, new Entry(id, e.at(), e.instance(), e.store(), e.kind(), e.json()));
    }
  }

  @Override
  public synchronized List<Entry> readAfter(long afterId, int limit) {
    List<Entry> out = new ArrayList<>(Math.min(Math.max(limit, 0), 512));
    for (Map.Entry<Long, Entry> e : byId.tailMap(afterId, false).entrySet()) {
      if (out.size() >= limit) {
        break;
      }
      out.add(e.getValue());
    }
    return out;
  }

  @Override
  public synchronized long lastId() {
    return lastId;
  }

  @Override
  public synchronized int retainNewest(int keep) {
    int removed = 0;
    while (byId.size() > Math.max(keep, 0)) {
      byId.pollFirstEntry();
      removed++;
    }
    return removed;
  }

  @Override
  public byte[] salt() {
    return salt.clone();
  }
}
