package io.tieredmemory.core.local;

import io.tieredmemory.core.Tier;
import io.tieredmemory.core.spi.ArchiveDirectory;
import io.tieredmemory.core.spi.Location;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The archive directory of an in-process WARM tier: a memory is held in the tier's map, or is there
 * as a mark of the version archived. A delete of a mark notes COLD's copy in the journal in the
 * same step, as PostgreSQL does in one statement.
 */
final class InProcessDirectory implements ArchiveDirectory {
  private final InProcessTierStore store;
  private final InProcessJournal journal;

  InProcessDirectory(InProcessTierStore store, InProcessJournal journal) {
    this.store = store;
    this.journal = journal;
  }

  @Override
  public @Nullable Location locate(String key, long nowMillis) {
    InProcessTierStore.Entry e = store.map.get(key);
    if (e == null) {
      return null;
    }
    if (e.archived) {
      return new Location.Archived(e.memory.version());
    }
    store.recordAccess(key, e, nowMillis);
    return new Location.Held(e.stored());
  }

  @Override
  public Map<String, Location> locateAll(Collection<String> keys, long nowMillis) {
    Map<String, Location> found = new HashMap<>();
    for (String key : keys) {
      Location l = locate(key, nowMillis);
      if (l != null) {
        found.put(key, l);
      }
    }
    return found;
  }

  @Override
  public Map<String, Location> peekLocations(Collection<String> keys) {
    Map<String, Location> found = new HashMap<>();
    for (String key : keys) {
      InProcessTierStore.Entry e = store.map.get(key);
      if (e != null) {
        found.put(
            key,
            e.archived ? new Location.Archived(e.memory.version()) : new Location.Held(e.stored()));
      }
    }
    return found;
  }

  @Override
  public @Nullable Location delete(String key) {
    Location[] was = {null};
    store.removeWhen(
        key,
        e -> {
          if (e.archived) {
            journal.note(Tier.COLD, Map.of(key, e.memory.version()));
            was[0] = new Location.Archived(e.memory.version());
          } else {
            was[0] = new Location.Held(e.stored());
          }
          return true;
        });
    return was[0];
  }

  @Override
  public List<String> markArchived(Map<String, Long> versions) {
    List<String> marked = new ArrayList<>();
    for (Map.Entry<String, Long> v : versions.entrySet()) {
      boolean[] done = {false};
      store.map.computeIfPresent(
          v.getKey(),
          (k, old) -> {
            if (old.archived || old.memory.version() != v.getValue()) {
              return old;
            }
            InProcessTierStore.Entry mark = InProcessTierStore.Entry.mark(old);
            store.replaced(old, mark);
            done[0] = true;
            return mark;
          });
      if (done[0]) {
        marked.add(v.getKey());
      }
    }
    return marked;
  }
}
