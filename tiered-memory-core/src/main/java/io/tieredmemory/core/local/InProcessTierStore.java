package io.tieredmemory.core.local;

import io.tieredmemory.core.KindCount;
import io.tieredmemory.core.Kinds;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.spi.ArchiveDirectory;
import io.tieredmemory.core.spi.EventLog;
import io.tieredmemory.core.spi.HistoryLog;
import io.tieredmemory.core.spi.ReconcileJournal;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A tier in a {@link ConcurrentHashMap}, with an index of last access in coarse buckets.
 *
 * <p>A read updates the entry's access fields; it touches the index (under a lock) only when the
 * entry's last access crosses into a new bucket, at most once per bucket width per key. Writes and
 * sweeps take the index lock. All index changes happen under that lock, so an entry is always in
 * exactly the bucket its {@code bucket} field names, or in none once it left the map.
 *
 * <p>A WARM tier also keeps the archive directory ({@link InProcessDirectory}) and the reconcile
 * journal ({@link InProcessJournal}): an archived memory stays in the map as a mark (its key,
 * version, metadata and instants, no content), which reads, the index, counts and search never see.
 */
class InProcessTierStore implements TierStore {
  static final long BUCKET_MILLIS = 1000;

  private final String kind;
  final ConcurrentHashMap<String, Entry> map = new ConcurrentHashMap<>();
  private final TreeMap<Long, Set<Entry>> buckets = new TreeMap<>();
  private final Object indexLock = new Object();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong held = new AtomicLong();
  private final Optional<ArchiveDirectory> directory;
  // The journal lives with the tier, not with the store: a store that "crashes" (is dropped and
  // rebuilt over the same tiers) finds its notes again, as it would in PostgreSQL.
  private final InProcessJournal notes = new InProcessJournal();
  private final Optional<ReconcileJournal> journal;
  // Like the journal, the history lives with the tier: a rebuilt store finds it again.
  private final Optional<HistoryLog> history;
  private final Optional<EventLog> eventLog;

  InProcessTierStore(String kind) {
    this(kind, false);
  }

  InProcessTierStore(String kind, boolean warm) {
    this.kind = kind;
    this.directory = warm ? Optional.of(new InProcessDirectory(this, notes)) : Optional.empty();
    this.journal = warm ? Optional.of(notes) : Optional.empty();
    this.history = warm ? Optional.of(new InProcessHistory()) : Optional.empty();
    this.eventLog = warm ? Optional.of(new InProcessEventLog()) : Optional.empty();
  }

  /** One stored memory with its mutable access statistics, or an archive mark. */
  static final class Entry {
    final Memory memory;
    final boolean archived;
    final long size;
    final float @Nullable [] vector;
    volatile long lastAccess;

    // A plain field: concurrent hits of one key may lose an increment, and readers may see a
    // slightly old count. It is approximate by design; a volatile write would put a full fence
    // on every hit.
    long accessCount;

    long bucket; // guarded by indexLock

    // A copy of bucket readable without the lock, so a read can tell cheaply whether to reindex.
    volatile long hint;

    Entry(Memory memory, float @Nullable [] vector, long accessCount, long lastAccess) {
      this(memory, false, vector, accessCount, lastAccess);
    }

    private Entry(
        Memory memory,
        boolean archived,
        float @Nullable [] vector,
        long accessCount,
        long lastAccess) {
      this.memory = memory;
      this.archived = archived;
      this.size = archived ? 0 : memory.sizeInBytes();
      this.vector = vector;
      this.accessCount = accessCount;
      this.lastAccess = lastAccess;
    }

    /** The mark an archived memory leaves: no content, no vector, no embedding. */
    static Entry mark(Entry of) {
      Memory m = of.memory;
      Memory bare =
          new Memory(m.key(), "", m.metadata(), m.createdAt(), m.updatedAt(), m.version());
      return new Entry(bare, true, null, of.accessCount, of.lastAccess);
    }

    long bucketHint() {
      return hint;
    }

    StoredMemory stored() {
      return new StoredMemory(memory, accessCount, lastAccess);
    }
  }

  /** The vector to keep for a memory; none unless searchable. */
  float @Nullable [] vectorFor(Memory memory) {
    return null;
  }

  @Override
  public String kind() {
    return kind;
  }

  @Override
  public boolean isRemote() {
    return false;
  }

  @Override
  public @Nullable Memory read(String key, long nowMillis) {
    Entry e = map.get(key);
    if (e == null || e.archived) {
      return null;
    }
    recordAccess(key, e, nowMillis);
    return e.memory;
  }

  void recordAccess(String key, Entry e, long nowMillis) {
    e.accessCount = e.accessCount + 1;
    if (nowMillis > e.lastAccess) {
      e.lastAccess = nowMillis;
      if (nowMillis / BUCKET_MILLIS != e.bucketHint()) {
        reindex(key, e);
      }
    }
  }

  @Override
  public @Nullable StoredMemory peek(String key) {
    Entry e = map.get(key);
    return e == null || e.archived ? null : e.stored();
  }

  @Override
  public StoredMemory upsert(Memory proposal, long nowMillis) {
    float[] vector = vectorFor(proposal);
    Entry stored =
        map.compute(
            proposal.key(),
            (k, old) -> {
              Memory m = proposal;
              long count = 0;
              long last = nowMillis;
              if (old != null) {
                long version = Math.max(proposal.version(), old.memory.version() + 1);
                m =
                    proposal
                        .withVersion(version, proposal.updatedAt())
                        .withCreatedAt(old.memory.createdAt());
                count = old.accessCount;
                last = Math.max(nowMillis, old.lastAccess);
                if (old.archived) {
                  // COLD still holds the archived version: noted in the same step as the write,
                  // so no crash can leave it there unnoted.
                  notes.note(Tier.COLD, Map.of(k, old.memory.version()));
                }
              }
              Entry e = new Entry(m, vector, count, last);
              replaced(old, e);
              return e;
            });
    return stored.stored();
  }

  @Override
  public boolean copyIn(StoredMemory copy) {
    float[] vector = vectorFor(copy.memory());
    boolean[] stored = {false};
    map.compute(
        copy.key(),
        (k, old) -> {
          if (old != null && old.memory.version() > copy.version()) {
            return old;
          }
          Entry e = new Entry(copy.memory(), vector, copy.accessCount(), copy.lastAccessMillis());
          replaced(old, e);
          stored[0] = true;
          return e;
        });
    return stored[0];
  }

  @Override
  public boolean removeIfVersion(String key, long version) {
    return removeWhen(key, e -> !e.archived && e.memory.version() == version);
  }

  @Override
  public boolean removeIfOlder(String key, long version) {
    return removeWhen(key, e -> !e.archived && e.memory.version() < version);
  }

  @Override
  public boolean remove(String key) {
    return removeWhen(
        key,
        e -> {
          if (e.archived) {
            notes.note(Tier.COLD, Map.of(key, e.memory.version()));
          }
          return true;
        });
  }

  boolean removeWhen(String key, Predicate<Entry> condition) {
    boolean[] removed = {false};
    map.computeIfPresent(
        key,
        (k, old) -> {
          if (!condition.test(old)) {
            return old;
          }
          replaced(old, null);
          removed[0] = true;
          return null;
        });
    return removed[0];
  }

  @Override
  public boolean touch(String key, long lastAccessMillis) {
    Entry e = map.get(key);
    if (e == null || e.archived) {
      return false;
    }
    if (e.lastAccess < lastAccessMillis) {
      e.lastAccess = lastAccessMillis;
      reindex(key, e);
    }
    return true;
  }

  @Override
  public List<StoredMemory> oldestAccessed(long accessedBeforeMillis, int limit) {
    List<Entry> found = new ArrayList<>();
    synchronized (indexLock) {
      scan:
      for (Map.Entry<Long, Set<Entry>> bucket : buckets.entrySet()) {
        if (bucket.getKey() * BUCKET_MILLIS >= accessedBeforeMillis) {
          break;
        }
        // Within one bucket (one second), insertion order stands in for access order: exact
        // enough for idle and LRU decisions, and it lets a batch stop early in a large bucket.
        for (Entry e : bucket.getValue()) {
          if (e.lastAccess < accessedBeforeMillis) {
            found.add(e);
            if (found.size() >= limit) {
              break scan;
            }
          }
        }
      }
    }
    found.sort(
        Comparator.comparingLong((Entry e) -> e.lastAccess).thenComparing(e -> e.memory.key()));
    List<StoredMemory> result = new ArrayList<>(Math.min(limit, found.size()));
    for (Iterator<Entry> it = found.iterator(); it.hasNext() && result.size() < limit; ) {
      result.add(it.next().stored());
    }
    return result;
  }

  @Override
  public long count() {
    return held.get();
  }

  @Override
  public long bytes() {
    return bytes.get();
  }

  /** A pass over the map: the memories held (not marks), by raw kind. */
  @Override
  public Optional<Map<String, KindCount>> countByKind(Kinds kinds) {
    Map<String, KindCount> counts = new HashMap<>();
    for (Entry e : memories()) {
      counts.merge(
          kinds.rawKindOf(e.memory.key(), e.memory.metadata()),
          new KindCount(1, e.size),
          KindCount::plus);
    }
    return Optional.of(counts);
  }

  @Override
  public Optional<ArchiveDirectory> directory() {
    return directory;
  }

  @Override
  public Optional<HistoryLog> history() {
    return history;
  }

  @Override
  public Optional<EventLog> eventLog() {
    return eventLog;
  }

  @Override
  public Optional<ReconcileJournal> journal() {
    return journal;
  }

  @Override
  public void close() {
    // Nothing to release: the heap is reclaimed with the store.
  }

  /** Memories held (not marks), for subclasses that search them. */
  Iterable<Entry> memories() {
    return () -> map.values().stream().filter(e -> !e.archived).iterator();
  }

  /** Moves index membership and counts from {@code old} to {@code now}; called inside compute. */
  void replaced(@Nullable Entry old, @Nullable Entry now) {
    synchronized (indexLock) {
      if (old != null && !old.archived) {
        unindex(old);
        bytes.addAndGet(-old.size);
        held.decrementAndGet();
      }
      if (now != null && !now.archived) {
        index(now, now.lastAccess / BUCKET_MILLIS);
        bytes.addAndGet(now.size);
        held.incrementAndGet();
      }
    }
  }

  private void reindex(String key, Entry e) {
    synchronized (indexLock) {
      if (map.get(key) != e) {
        return; // replaced or removed meanwhile; its successor is indexed by whoever replaced it
      }
      long target = e.lastAccess / BUCKET_MILLIS;
      if (target != e.bucket) {
        unindex(e);
        index(e, target);
      }
    }
  }

  private void index(Entry e, long bucket) {
    e.bucket = bucket;
    e.hint = bucket;
    buckets.computeIfAbsent(bucket, b -> new LinkedHashSet<>()).add(e);
  }

  private void unindex(Entry e) {
    Set<Entry> set = buckets.get(e.bucket);
    if (set != null) {
      set.remove(e);
      if (set.isEmpty()) {
        buckets.remove(e.bucket);
      }
    }
  }
}
