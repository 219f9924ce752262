package io.tieredmemory.core;

import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.policy.Decision;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.spi.Location;
import io.tieredmemory.core.spi.StoredMemory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Moves memories between tiers, each move under the lock of its key (for a batch, of every key in
 * it), so that no put, delete or other move of those keys runs meanwhile, in this process or (with
 * a shared coordinator) any other.
 *
 * <p>What every move keeps true, and why reads need no lock: HOT holds no copy of a key or exactly
 * the version WARM holds; WARM holds the memory, or an archive mark whose version COLD holds, or
 * nothing (the key exists nowhere). Each move changes at most one of those facts per step, in an
 * order where a reader that looks at HOT, then WARM, then (for a mark) COLD always finds the
 * memory:
 *
 * <ul>
 *   <li>promote (WARM to HOT): copy WARM's version into HOT.
 *   <li>demote (HOT to WARM): WARM learns the HOT copy's last access, then the HOT copy goes.
 *   <li>archive (WARM to COLD), a batch at a time ({@link #archiveAll}): note the keys in the
 *       journal, copy to COLD, then replace each memory in WARM by a mark of the version copied.
 *   <li>rehydrate (COLD to WARM): note the key, copy into WARM over the mark, then remove the COLD
 *       copy.
 * </ul>
 *
 * A crash or failure between a copy and the step after it leaves a COLD copy WARM does not point
 * to; the journal note written before the copy lets the next sweep of any instance remove it
 * ({@link #reconcileCold}). Observers hear of each move after its lock is released.
 */
final class Mover {
  private final String store;
  private final Clock clock;
  private final TierHandle hot;
  private final TierHandle warm;
  private final TierHandle cold;
  private final Signals signals;
  private final KeyLocks locks;
  private final StaleCopies staleHot;
  private final HistoryRecorder history;
  private final @Nullable KindLabels kinds;

  private final AtomicLong rehydrationsStarted = new AtomicLong();
  private final AtomicLong rehydrationsEnded = new AtomicLong();

  Mover(
      String store,
      Clock clock,
      TierHandle hot,
      TierHandle warm,
      TierHandle cold,
      Signals signals,
      KeyLocks locks,
      StaleCopies staleHot,
      HistoryRecorder history,
      @Nullable KindLabels kinds) {
    this.store = store;
    this.clock = clock;
    this.hot = hot;
    this.warm = warm;
    this.cold = cold;
    this.signals = signals;
    this.locks = locks;
    this.staleHot = staleHot;
    this.history = history;
    this.kinds = kinds;
  }

  /**
   * WARM to HOT, for the memory {@code key} that was just read. The version copied is the one WARM
   * holds under the lock, never the one read (a put may have come in between).
   */
  void promote(String key, long nowMillis, Decision decision) {
    if (!signals.startsWanted()) {
      promoteLocked(key, nowMillis, decision);
      return;
    }
    signals.movementStarted(Tier.WARM, Tier.HOT, decision.reason(), key);
    boolean moved = false;
    Throwable error = null;
    try {
      moved = promoteLocked(key, nowMillis, decision);
    } catch (RuntimeException | Error e) {
      error = e;
      throw e;
    } finally {
      signals.movementEnded(Tier.WARM, Tier.HOT, decision.reason(), moved ? 1 : 0, error);
    }
  }

  private boolean promoteLocked(String key, long nowMillis, Decision decision) {
    try (KeyLocks.Held held = locks.lock(key)) {
      long start = System.nanoTime();
      StoredMemory current = warm.peek(key);
      if (current == null) {
        return false; // archived or deleted since the read
      }
      Memory m = current.memory();
      if (!hot.copyIn(new StoredMemory(m, current.accessCount(), nowMillis))) {
        return false; // HOT already holds this version (or, wrongly, a newer one)
      }
      moved(held, m, Tier.WARM, Tier.HOT, decision, System.nanoTime() - start);
      return true;
    }
  }

  /** What {@link #demote} did with a HOT copy. */
  enum Demotion {
    /** WARM learned its last access and the copy is gone: a move. */
    DEMOTED,
    /** WARM does not hold the memory: the copy was a leftover, dropped (an eviction). */
    DROPPED,
    /** Nothing: the copy changed or went since the sweep listed it. */
    UNCHANGED
  }

  /** HOT to WARM: what became of the HOT copy. */
  Demotion demote(StoredMemory sm, Decision decision) {
    if (!signals.startsWanted()) {
      return demoteLocked(sm, decision);
    }
    signals.movementStarted(Tier.HOT, Tier.WARM, decision.reason(), sm.key());
    Demotion done = Demotion.UNCHANGED;
    Throwable error = null;
    try {
      done = demoteLocked(sm, decision);
      return done;
    } catch (RuntimeException | Error e) {
      error = e;
      throw e;
    } finally {
      signals.movementEnded(
          Tier.HOT, Tier.WARM, decision.reason(), done == Demotion.DEMOTED ? 1 : 0, error);
    }
  }

  private Demotion demoteLocked(StoredMemory sm, Decision decision) {
    String key = sm.key();
    try (KeyLocks.Held held = locks.lock(key)) {
      long start = System.nanoTime();
      if (!warm.touch(key, sm.lastAccessMillis())) {
        // HOT is a cache of WARM: a copy of a memory WARM does not hold is a leftover (of a
        // delete whose HOT removal failed). Copying it back could resurrect it; drop it.
        if (hot.removeIfVersion(key, sm.version())) {
          evicted(held, key, sm.version(), Tier.HOT, "not in warm (deleted or archived)");
          return Demotion.DROPPED;
        }
        return Demotion.UNCHANGED;
      }
      if (!hot.removeIfVersion(key, sm.version())) {
        return Demotion.UNCHANGED; // the copy changed since the sweep listed it
      }
      moved(held, sm.memory(), Tier.HOT, Tier.WARM, decision, System.nanoTime() - start);
      return Demotion.DEMOTED;
    }
  }

  /**
   * COLD to WARM, for the memory a read just found in COLD. Returns whether WARM now holds it. Acts
   * only if WARM still points to exactly that version in COLD (else something moved, rewrote or
   * deleted the key since the read).
   */
  boolean rehydrate(Memory read, Decision decision) {
    if (!signals.startsWanted()) {
      return rehydrateLocked(read, decision);
    }
    signals.movementStarted(Tier.COLD, Tier.WARM, decision.reason(), read.key());
    boolean moved = false;
    Throwable error = null;
    try {
      moved = rehydrateLocked(read, decision);
      return moved;
    } catch (RuntimeException | Error e) {
      error = e;
      throw e;
    } finally {
      signals.movementEnded(Tier.COLD, Tier.WARM, decision.reason(), moved ? 1 : 0, error);
    }
  }

  private boolean rehydrateLocked(Memory read, Decision decision) {
    String key = read.key();
    long version = read.version();
    try (KeyLocks.Held held = locks.lock(key)) {
      long start = System.nanoTime();
      Location where = warm.peekLocations(List.of(key)).get(key);
      if (!(where instanceof Location.Archived) || where.version() != version) {
        return false;
      }
      StoredMemory copy = cold.peek(key);
      if (copy == null || copy.version() != version) {
        return false;
      }
      Map<String, Long> note = Map.of(key, version);
      rehydrationsStarted.incrementAndGet();
      try {
        // If the COLD removal fails or the process dies after the copy, the sweep removes it.
        warm.note(Tier.COLD, note);
        if (!warm.copyIn(copy)) {
          return false; // cannot happen while WARM's mark is this version; the note settles it
        }
        boolean removed;
        try {
          removed = cold.removeIfVersion(key, version);
        } catch (RuntimeException e) {
          removed = false; // reported by the handle; the note stays for the sweep
        }
        if (removed) {
          warm.forget(Tier.COLD, note);
        }
      } finally {
        rehydrationsEnded.incrementAndGet();
      }
      moved(held, copy.memory(), Tier.COLD, Tier.WARM, decision, System.nanoTime() - start);
      return true;
    }
  }

  /**
   * Rehydrations that got past their checks, counted just before their copy into WARM ({@link
   * #rehydrationsEnded} counts them after their COLD removal). If this equals what {@code
   * rehydrationsEnded()} was when a search began, no rehydration overlapped that search ({@link
   * Searches}).
   */
  long rehydrationsStarted() {
    return rehydrationsStarted.get();
  }

  /** Rehydrations whose copy and COLD removal are over (or failed). */
  long rehydrationsEnded() {
    return rehydrationsEnded.get();
  }

  /** What one {@link #archiveAll} did. */
  record ArchiveBatch(List<StoredMemory> archived, int inHot) {
    static final ArchiveBatch NONE = new ArchiveBatch(List.of(), 0);

    /** Candidates dealt with: archived, or kept because HOT holds them. */
    int progress() {
      return archived.size() + inHot;
    }
  }

  /**
   * WARM to COLD for a batch of candidates, under the locks of all their keys. Round trips per
   * batch, whatever its size: one lock, one WARM peek, one HOT peek, one journal note, one COLD
   * copy, one WARM mark, one journal forget (plus one WARM touch per memory found in HOT).
   *
   * <ol>
   *   <li>WARM is peeked: a candidate whose version changed or that is gone since the sweep listed
   *       it is left alone.
   *   <li>HOT is peeked: a memory in HOT is in use; it stays, and WARM learns the HOT copy's last
   *       access (at least {@code touchAtLeast}, so the same sweep does not list it again).
   *   <li>The rest are noted in the journal, copied to COLD, then marked archived in WARM. A
   *       failure of the copy or the mark is thrown and leaves the notes: every memory stays
   *       readable (WARM still holds it, or its mark points to COLD's copy) and the next sweep
   *       removes the COLD copies WARM does not point to.
   * </ol>
   *
   * Each archived memory gets its own movement report and {@code Archived} event, whose duration is
   * its share of the batch.
   *
   * @param decisions the decision (reason and detail) for each candidate, as the sweep saw it
   * @param touchAtLeast the least last access WARM learns for a memory found in HOT
   */
  ArchiveBatch archiveAll(
      List<StoredMemory> candidates,
      Function<StoredMemory, Decision> decisions,
      long touchAtLeast) {
    if (!signals.startsWanted() || candidates.isEmpty()) {
      return archiveAllLocked(candidates, decisions, touchAtLeast);
    }
    // One movement per batch; its reason is the first candidate's (archives have one reason).
    MoveReason reason = decisions.apply(candidates.get(0)).reason();
    signals.movementStarted(Tier.WARM, Tier.COLD, reason, null);
    int moved = 0;
    Throwable error = null;
    try {
      ArchiveBatch done = archiveAllLocked(candidates, decisions, touchAtLeast);
      moved = done.archived().size();
      return done;
    } catch (RuntimeException | Error e) {
      error = e;
      throw e;
    } finally {
      signals.movementEnded(Tier.WARM, Tier.COLD, reason, moved, error);
    }
  }

  private ArchiveBatch archiveAllLocked(
      List<StoredMemory> candidates,
      Function<StoredMemory, Decision> decisions,
      long touchAtLeast) {
    Map<String, StoredMemory> byKey = new LinkedHashMap<>();
    for (StoredMemory c : candidates) {
      byKey.putIfAbsent(c.key(), c);
    }
    if (byKey.isEmpty()) {
      return ArchiveBatch.NONE;
    }
    try (KeyLocks.Held held = locks.lockAll(byKey.keySet())) {
      long start = System.nanoTime();
      Map<String, StoredMemory> inWarm = warm.peekAll(byKey.keySet());
      List<StoredMemory> unchanged = new ArrayList<>(inWarm.size());
      for (StoredMemory c : byKey.values()) {
        StoredMemory current = inWarm.get(c.key());
        if (current != null && current.version() == c.version()) {
          unchanged.add(current);
        }
      }
      if (unchanged.isEmpty()) {
        return ArchiveBatch.NONE;
      }
      Map<String, StoredMemory> inHot = hot.peekAll(keysOf(unchanged));
      List<StoredMemory> toCopy = new ArrayList<>(unchanged.size());
      int hotKept = 0;
      for (StoredMemory current : unchanged) {
        StoredMemory hotCopy = inHot.get(current.key());
        if (hotCopy == null) {
          toCopy.add(current);
        } else {
          warm.touch(current.key(), Math.max(hotCopy.lastAccessMillis(), touchAtLeast));
          hotKept++;
        }
      }
      if (toCopy.isEmpty()) {
        return new ArchiveBatch(List.of(), hotKept);
      }
      Map<String, Long> versions = new LinkedHashMap<>();
      for (StoredMemory sm : toCopy) {
        versions.put(sm.key(), sm.version());
      }
      warm.note(Tier.COLD, versions);
      Set<String> copied = new HashSet<>(cold.copyAllIn(toCopy));
      Map<String, Long> toMark = new LinkedHashMap<>();
      for (Map.Entry<String, Long> e : versions.entrySet()) {
        if (copied.contains(e.getKey())) {
          toMark.put(e.getKey(), e.getValue());
        }
      }
      Set<String> marked = toMark.isEmpty() ? Set.of() : new HashSet<>(warm.markArchived(toMark));
      List<StoredMemory> archived = new ArrayList<>(marked.size());
      Map<String, Long> settled = new HashMap<>();
      for (StoredMemory sm : toCopy) {
        if (marked.contains(sm.key())) {
          archived.add(sm);
          settled.put(sm.key(), sm.version());
        }
      }
      // A key copied but not marked (or refused by COLD) keeps its note: WARM still holds it, and
      // the sweep removes the COLD copy WARM does not point to.
      warm.forget(Tier.COLD, settled);
      long nanos = System.nanoTime() - start;
      long each = archived.isEmpty() ? 0 : nanos / archived.size();
      for (StoredMemory sm : archived) {
        moved(held, sm.memory(), Tier.WARM, Tier.COLD, decisions.apply(byKey.get(sm.key())), each);
      }
      return new ArchiveBatch(archived, hotKept);
    }
  }

  /**
   * Settles the journal's COLD notes a batch at a time, each batch under its keys' locks: a COLD
   * copy WARM does not point to (WARM holds the memory, or a mark of another version, or nothing)
   * is removed. Safe whenever it runs: under the locks nothing else changes these keys, and COLD's
   * removal is conditional on being older than what WARM points to.
   *
   * @return the COLD copies removed
   */
  int reconcileCold(int batch) {
    int removedTotal = 0;
    Map<String, Long> previous = null;
    while (true) {
      Map<String, Long> pending = warm.notes(Tier.COLD, batch);
      if (pending.isEmpty() || pending.equals(previous)) {
        break; // nothing left, or notes that cannot be forgotten: stop rather than spin
      }
      previous = pending;
      try (KeyLocks.Held held = locks.lockAll(pending.keySet())) {
        Map<String, Location> where = warm.peekLocations(pending.keySet());
        Map<String, Long> olderThan = new HashMap<>();
        for (String key : pending.keySet()) {
          Location l = where.get(key);
          olderThan.put(key, l instanceof Location.Archived ? l.version() : Long.MAX_VALUE);
        }
        List<String> removed = cold.removeAllIfOlder(olderThan);
        warm.forget(Tier.COLD, pending);
        for (String key : removed) {
          Location l = where.get(key);
          evicted(
              held,
              key,
              l != null ? l.version() : Objects.requireNonNull(pending.get(key)),
              Tier.COLD,
              "a copy warm no longer points to");
        }
        removedTotal += removed.size();
      }
    }
    return removedTotal;
  }

  /**
   * Removes the HOT copies noted as possibly stale (a put or delete could not remove them while HOT
   * was unreachable), a batch at a time under the keys' locks, and only then clears the notes and
   * this process's marks, so reads skip those HOT copies until they are gone.
   *
   * @return how many copies were removed, and whether no note is left
   */
  HotDrain drainHotNotes(int batch) {
    Map<String, Long> previous = null;
    int removedTotal = 0;
    while (true) {
      Map<String, Long> pending = warm.notes(Tier.HOT, batch);
      if (pending.isEmpty()) {
        return new HotDrain(removedTotal, true);
      }
      if (pending.equals(previous)) {
        return new HotDrain(removedTotal, false);
      }
      previous = pending;
      try (KeyLocks.Held held = locks.lockAll(pending.keySet())) {
        Map<String, Long> any = new HashMap<>();
        for (String key : pending.keySet()) {
          any.put(key, Long.MAX_VALUE);
        }
        List<String> removed = hot.removeAllIfOlder(any);
        warm.forget(Tier.HOT, pending);
        pending.forEach(staleHot::clear);
        for (String key : removed) {
          evicted(
              held,
              key,
              Objects.requireNonNull(pending.get(key)),
              Tier.HOT,
              "a copy that may be older than warm's");
        }
        removedTotal += removed.size();
      }
    }
  }

  /** What {@link #drainHotNotes} did. */
  record HotDrain(int removed, boolean done) {}

  private static List<String> keysOf(List<StoredMemory> memories) {
    List<String> keys = new ArrayList<>(memories.size());
    for (StoredMemory sm : memories) {
      keys.add(sm.key());
    }
    return keys;
  }

  private void moved(
      KeyLocks.Held held, Memory m, Tier from, Tier to, Decision decision, long nanos) {
    if (history.enabled()) {
      // Under the key's lock: this instance queues a key's entries in the order they happened.
      history.moved(
          m.key(), m.version(), from, to, decision.reason(), decision.detail(), decision.inputs());
    }
    String kind = kindOf(m);
    if (!signals.eventsWanted()) {
      held.afterRelease(() -> signals.movementCompleted(from, to, decision.reason(), kind, nanos));
      return;
    }
    TierEvent event =
        movementEvent(m, from, to, decision, Duration.ofNanos(nanos), clock.instant());
    held.afterRelease(
        () -> {
          signals.movementCompleted(from, to, decision.reason(), kind, nanos);
          signals.publish(event);
        });
  }

  private @Nullable String kindOf(Memory m) {
    KindLabels k = kinds;
    return k == null ? null : k.labelOf(m.key(), m.metadata());
  }

  private TierEvent movementEvent(
      Memory m, Tier from, Tier to, Decision decision, Duration took, Instant at) {
    return new TierEvent.Moved(
        store, at, m.key(), m.version(), from, to, decision.reason(), decision.detail(), took);
  }

  private void evicted(KeyLocks.Held held, String key, long version, Tier tier, String detail) {
    if (history.enabled()) {
      history.record(
          HistoryEntry.Kind.EVICTED,
          key,
          version,
          tier,
          null,
          MoveReason.STALE_COPY,
          detail,
          Map.of());
    }
    if (!signals.eventsWanted()) {
      held.afterRelease(() -> signals.evicted(tier, MoveReason.STALE_COPY));
      return;
    }
    TierEvent event =
        new TierEvent.Evicted(
            store, clock.instant(), key, version, tier, MoveReason.STALE_COPY, detail);
    held.afterRelease(
        () -> {
          signals.evicted(tier, MoveReason.STALE_COPY);
          signals.publish(event);
        });
  }
}
