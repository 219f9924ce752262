package io.tieredmemory.core;

import io.tieredmemory.core.spi.ReconcileJournal;
import java.util.HashMap;
import java.util.Map;

/**
 * Where interrupted moves are noted: the WARM tier's {@link ReconcileJournal} when it has one
 * (survives a crash), else a map in memory.
 */
final class Journal {
  private final ReconcileJournal durable;
  private final Map<String, Long> memory = new HashMap<>();

  Journal(ReconcileJournal durable) {
    this.durable = durable;
  }

  boolean isDurable() {
    return durable != null;
  }

  void note(Map<String, Long> versions) {
    if (versions.isEmpty()) {
      return;
    }
    if (durable != null) {
      durable.note(versions);
      return;
    }
    synchronized (memory) {
      versions.forEach((k, v) -> memory.merge(k, v, Math::max));
    }
  }

  Map<String, Long> notes(int limit) {
    if (durable != null) {
      return durable.notes(limit);
    }
    synchronized (memory) {
      Map<String, Long> out = new HashMap<>();
      for (Map.Entry<String, Long> e : memory.entrySet()) {
        if (out.size() >= limit) {
          break;
        }
        out.put(e.getKey(), e.getValue());
      }
      return out;
    }
  }

  void forget(Map<String, Long> versions) {
    if (versions.isEmpty()) {
      return;
    }
    if (durable != null) {
      durable.forget(versions);
      return;
    }
    synchronized (memory) {
      versions.forEach((k, v) -> memory.remove(k, v));
    }
  }
}
