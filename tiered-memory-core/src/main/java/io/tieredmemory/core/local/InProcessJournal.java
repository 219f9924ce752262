package io.tieredmemory.core.local;

import io.tieredmemory.core.Tier;
import io.tieredmemory.core.spi.ReconcileJournal;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reconcile journal of an in-process WARM tier: per tier, the highest version noted per key.
 */
final class InProcessJournal implements ReconcileJournal {
  private final Map<Tier, ConcurrentHashMap<String, Long>> notes = new EnumMap<>(Tier.class);

  InProcessJournal() {
    for (Tier t : Tier.values()) {
      notes.put(t, new ConcurrentHashMap<>());
    }
  }

  /** The notes on {@code tier}'s copies; the constructor makes one map per tier. */
  private ConcurrentHashMap<String, Long> notesOf(Tier tier) {
    return Objects.requireNonNull(notes.get(tier));
  }

  @Override
  public void note(Tier tier, Map<String, Long> versions) {
    ConcurrentHashMap<String, Long> m = notesOf(tier);
    versions.forEach((k, v) -> m.merge(k, v, Math::max));
  }

  @Override
  public Map<String, Long> notes(Tier tier, int limit) {
    Map<String, Long> out = new HashMap<>();
    for (Map.Entry<String, Long> e : notesOf(tier).entrySet()) {
      if (out.size() >= limit) {
        break;
      }
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  @Override
  public void forget(Tier tier, Map<String, Long> versions) {
    ConcurrentHashMap<String, Long> m = notesOf(tier);
    versions.forEach((k, v) -> m.remove(k, v));
  }
}
