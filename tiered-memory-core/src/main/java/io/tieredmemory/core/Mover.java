package io.tieredmemory.core;

import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.policy.Decision;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.spi.StoredMemory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Moves memories between tiers, copy first and version-checked removal second, each move under the
 * key's lock.
 *
 * <ul>
 *   <li>promote (WARM to HOT): a copy; WARM keeps the memory. If WARM lost the key meanwhile (a
 *       delete elsewhere), the HOT copy is withdrawn.
 *   <li>demote (HOT to WARM): WARM learns the HOT copy's last access (or receives the copy if it
 *       lacks the key), then the HOT copy is removed if it is still that version.
 *   <li>archive (WARM to COLD), a batch at a time ({@link #archiveAll}): copy the batch, then
 *       remove from WARM each key that still holds the copied version. If WARM changed (a newer
 *       put), that copy is withdrawn; if the copy or the removal failed, the keys are recorded as
 *       unfinished and the next sweep settles each under its lock ({@link #finishArchives}).
 *   <li>rehydrate (COLD to WARM): copy, then remove the source if it still holds the copied
 *       version. If the source changed, the copy is withdrawn; if the removal failed, the source is
 *       recorded as possibly stale and the next sweep drops it.
 * </ul>
 *
 * A crash between copy and removal leaves two copies of one version; reads serve the warmer one and
 * the next archive or sweep replaces or drops the other.
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
  private final StaleCopies staleCold;

  /**
   * Archives that copied to COLD and then failed before WARM's removal was known to have happened:
   * key to the version copied. COLD may hold that version while WARM holds it too (the removal
   * failed) or not (it succeeded and only its answer was lost), so neither copy may be dropped
   * blindly; {@link #finishArchives} looks at WARM under the key's lock first.
   */
  // Interrupted moves, noted durably in WARM when it keeps a journal (else in memory).
  private final Journal journal;

  Mover(
      String store,
      Clock clock,
      TierHandle hot,
      TierHandle warm,
      TierHandle cold,
      Signals signals,
      KeyLocks locks,
      StaleCopies staleHot,
      StaleCopies staleCold,
      Journal journal) {
    this.journal = journal;
    this.store = store;
    this.clock = clock;
    this.hot = hot;
    this.warm = warm;
    this.cold = cold;
    this.signals = signals;
    this.locks = locks;
    this.staleHot = staleHot;
    this.staleCold = staleCold;
  }

  /**
   * WARM to HOT, for the memory {@code key} that was just read. Returns whether HOT now holds
   * WARM's version.
   *
   * <p>The read that asked for this happened before the lock, so what it saw may be outdated (a
   * put, then a demotion of the put's HOT copy, may have come in between). The version copied is
   * therefore the one WARM holds under the lock, never the one read; readers can never see an older
   * version in HOT than one already acknowledged. After the copy, WARM is checked again in case a
   * writer in another process changed it meanwhile.
   */
  boolean promote(String key, long nowMillis, Decision decision) {
    try (KeyLocks.Held held = locks.exclusive(key)) {
      long start = System.nanoTime();
      StoredMemory current = warm.peek(key);
      if (current == null) {
        return false; // archived or deleted since the read
      }
      Memory m = current.memory();
      if (!hot.copyIn(new StoredMemory(m, current.accessCount(), nowMillis))) {
        return false; // HOT already has a newer version
      }
      StoredMemory after = warm.peek(key);
      if (after == null || after.version() != m.version()) {
        hot.removeIfVersion(key, m.version());
        return false;
      }
      moved(m, Tier.WARM, Tier.HOT, decision, System.nanoTime() - start);
      return true;
    }
  }

  /** HOT to WARM. Returns whether the HOT copy is gone. */
  boolean demote(StoredMemory sm, Decision decision) {
    try (KeyLocks.Held held = locks.exclusive(sm.key())) {
      long start = System.nanoTime();
      if (!warm.touch(sm.key(), sm.lastAccessMillis())) {
        // HOT is a cache of WARM: a HOT copy WARM lacks is a leftover (a delete whose HOT
        // removal failed before a crash, or a memory archived since). Bringing it back into WARM
        // could resurrect a deleted memory; drop it instead.
        if (hot.removeIfVersion(sm.key(), sm.version())) {
          evicted(sm.key(), sm.version() + 1, Tier.HOT, "not in warm (deleted or archived)");
        }
        return false;
      }
      if (!hot.removeIfVersion(sm.key(), sm.version())) {
        return false; // HOT holds a newer version, or the key was deleted meanwhile
      }
      moved(sm.memory(), Tier.HOT, Tier.WARM, decision, System.nanoTime() - start);
      return true;
    }
  }

  /** COLD to WARM. Returns whether WARM now holds the memory. */
  boolean rehydrate(StoredMemory sm, Decision decision) {
    return copyThenRemove(sm, cold, warm, decision);
  }

  private boolean copyThenRemove(
      StoredMemory sm, TierHandle from, TierHandle to, Decision decision) {
    String key = sm.key();
    long version = sm.version();
    try (KeyLocks.Held held = locks.exclusive(key)) {
      long start = System.nanoTime();
      // The candidate was read before the lock: another process may have moved or deleted it
      // since. Under the lock nobody else moves it, so what the source holds now is the truth.
      StoredMemory current = from.peek(key);
      if (current == null || current.version() != version) {
        return false;
      }
      Map<String, Long> note = Map.of(key, version);
      journal.note(note); // a crash between copy and removal leaves a note for the next sweep
      if (!to.copyIn(current)) {
        // The target already holds a newer version: this copy is stale where it is.
        if (from.removeIfVersion(key, version)) {
          evicted(
              key, version + 1, from.tier, "superseded by a newer version in " + to.tier.label());
        }
        journal.forget(note);
        return false;
      }
      // If this removal fails, two copies of one version exist: the note stays, and the next
      // sweep drops the COLD copy under the lock (finishArchives).
      boolean removed = from.removeIfVersion(key, version);
      if (!removed) {
        StoredMemory now = from.peek(key);
        if (now != null && now.version() > version) {
          to.removeIfVersion(key, version); // a newer put won: withdraw the copy
        }
        journal.forget(note);
        return false;
      }
      journal.forget(note);
      moved(current.memory(), from.tier, to.tier, decision, System.nanoTime() - start);
      return true;
    }
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
   * WARM to COLD for a batch of candidates, with the guarantees of a single move: copy first, then
   * a removal conditional on the version copied, all under every key's exclusive lock (this
   * process's stripes and the {@code KeyCoordinator}'s locks, so no other process moves or deletes
   * these keys meanwhile). Round trips per batch, whatever its size: one lock, one WARM peek, one
   * HOT peek, one COLD copy, one WARM removal (plus one per HOT key to touch WARM, and a few only
   * when something changed under the sweep).
   *
   * <ol>
   *   <li>WARM is peeked under the lock: a candidate whose version changed or that is gone since
   *       the sweep listed it is left alone.
   *   <li>HOT is peeked: a memory in HOT is in use (another process may have promoted it since the
   *       sweep looked). Archiving it would leave HOT holding a memory WARM no longer has, and its
   *       demotion would later bring a second copy back to WARM; instead WARM learns the HOT copy's
   *       last access (at least {@code touchAtLeast}, so the same sweep does not list it again).
   *   <li>{@code cold.copyAllIn} the rest. If it fails, nothing was removed from WARM: every memory
   *       is still there and readable; the keys are recorded as unfinished (COLD may hold some of
   *       the copies) and the failure is thrown.
   *   <li>{@code warm.removeAllIfVersion} of every key, copied or not. For a key COLD refused (COLD
   *       holds a newer version) that drops WARM's stale copy, an eviction, as a single move does.
   *       If the removal fails, both tiers may hold a copied memory, or only COLD (the removal was
   *       applied and its answer lost): the copied keys are recorded as unfinished and the failure
   *       is thrown. Reads find the memory in either tier meanwhile.
   *   <li>A copied key WARM did not remove holds a newer version (a put by another process came in
   *       between): its COLD copy is withdrawn (one {@code removeAllIfVersion} on COLD).
   * </ol>
   *
   * Each archived memory gets its own movement report and {@code Archived} event, whose duration is
   * its share of the batch: the batch's time divided by the memories archived, so summed durations
   * still give the time spent archiving.
   *
   * @param decisions the decision (reason and detail) for each candidate, as the sweep saw it
   * @param touchAtLeast the least last access WARM learns for a memory found in HOT
   */
  ArchiveBatch archiveAll(
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
    try (KeyLocks.HeldAll held = locks.exclusiveAll(byKey.keySet())) {
      long start = System.nanoTime();
      // Candidates were listed before the lock: under it nobody else moves them, so what WARM
      // holds now is the truth.
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
      Map<String, Long> noted = new LinkedHashMap<>();
      for (StoredMemory sm : toCopy) {
        noted.put(sm.key(), sm.version());
      }
      // Noted before the copy: if this process dies before the batch settles, the next sweep of
      // any instance finds the keys and settles them (finishArchives).
      journal.note(noted);
      Set<String> copied;
      try {
        copied = new HashSet<>(cold.copyAllIn(toCopy));
      } catch (RuntimeException e) {
        // Atomic per key only: COLD may hold some of these copies (or all, if only the answer was
        // lost). WARM still holds every one, so they stay readable; the next sweep withdraws what
        // COLD got before archiving them again.
        unfinished(toCopy);
        throw e;
      }
      Map<String, Long> versions = new LinkedHashMap<>();
      for (StoredMemory sm : toCopy) {
        versions.put(sm.key(), sm.version());
      }
      Set<String> removed;
      try {
        removed = new HashSet<>(warm.removeAllIfVersion(versions));
      } catch (RuntimeException e) {
        // Not the stale-copy list: whether WARM still holds a key is unknown (the removal may have
        // been applied and only its answer lost), and dropping the COLD copy of a key WARM no
        // longer holds would lose it. The next sweep looks under the lock.
        List<StoredMemory> both = new ArrayList<>();
        for (StoredMemory sm : toCopy) {
          if (copied.contains(sm.key())) {
            both.add(sm);
          }
        }
        unfinished(both);
        throw e;
      }
      List<StoredMemory> archived = new ArrayList<>(removed.size());
      Map<String, Long> notRemoved = new LinkedHashMap<>();
      for (StoredMemory sm : toCopy) {
        boolean inCold = copied.contains(sm.key());
        boolean gone = removed.contains(sm.key());
        if (inCold && gone) {
          archived.add(sm);
        } else if (inCold) {
          notRemoved.put(sm.key(), sm.version());
        } else if (gone) {
          // COLD held a newer version: the WARM copy was stale where it was.
          evicted(
              sm.key(),
              sm.version() + 1,
              Tier.WARM,
              "superseded by a newer version in " + Tier.COLD.label());
        }
      }
      long nanos = System.nanoTime() - start;
      long each = archived.isEmpty() ? 0 : nanos / archived.size();
      for (StoredMemory sm : archived) {
        moved(sm.memory(), Tier.WARM, Tier.COLD, decisions.apply(byKey.get(sm.key())), each);
      }
      journal.forget(noted);
      if (!notRemoved.isEmpty()) {
        withdrawCopies(notRemoved);
      }
      return new ArchiveBatch(archived, hotKept);
    }
  }

  /**
   * For copied keys WARM did not remove: a newer put came in between, so the COLD copy is
   * withdrawn. A key whose WARM copy is still that version (a backend that declined to remove
   * without failing) is left to {@link #finishArchives}; one WARM no longer holds keeps its COLD
   * copy, the only one. Failures here are reported by the handles and leave the keys to the next
   * sweep; the archived memories are not affected.
   */
  private void withdrawCopies(Map<String, Long> copiedVersions) {
    try {
      Map<String, StoredMemory> now = warm.peekAll(copiedVersions.keySet());
      Map<String, Long> withdraw = new HashMap<>();
      for (Map.Entry<String, Long> e : copiedVersions.entrySet()) {
        StoredMemory current = now.get(e.getKey());
        if (current == null) {
          continue;
        }
        if (current.version() > e.getValue()) {
          withdraw.put(e.getKey(), e.getValue());
        } else if (current.version() == e.getValue()) {
          journal.note(Map.of(e.getKey(), e.getValue()));
        }
      }
      if (!withdraw.isEmpty()) {
        cold.removeAllIfVersion(withdraw);
      }
    } catch (RuntimeException e) {
      journal.note(copiedVersions);
    }
  }

  private void unfinished(List<StoredMemory> copies) {
    Map<String, Long> versions = new LinkedHashMap<>();
    for (StoredMemory sm : copies) {
      versions.put(sm.key(), sm.version());
    }
    journal.note(versions); // already noted before the copy; kept for backends that lost it
  }

  /**
   * Settles archives that failed after copying, in batches, each under its keys' exclusive locks:
   * where WARM holds the copied version or a newer one, the COLD copy of that exact version is
   * withdrawn (an eviction); the memory stays in WARM, and if still idle the archive step archives
   * it again. Where WARM no longer holds the key, its removal did happen and COLD's copy is the
   * only one: it stays. Either way no key is left in both tiers and nothing is lost.
   *
   * <p>Why this is safe whenever it runs: under the lock no other process moves or deletes the key,
   * and a put can only replace WARM's version with a newer one, so a WARM copy seen under the lock
   * is still there (or superseded) when the COLD copy goes; the COLD removal is conditional on the
   * exact version, so it never removes a copy written since.
   *
   * @return the COLD copies withdrawn
   */
  int finishArchives(int batch) {
    int withdrawn = 0;
    Map<String, Long> previous = null;
    while (true) {
      Map<String, Long> pending = journal.notes(batch);
      if (pending.isEmpty() || pending.equals(previous)) {
        break; // nothing left, or notes that cannot be forgotten: stop rather than spin
      }
      previous = pending;
      List<String> removed;
      Map<String, Long> olderThan = new HashMap<>();
      try (KeyLocks.HeldAll held = locks.exclusiveAll(pending.keySet())) {
        Map<String, StoredMemory> inWarm = warm.peekAll(pending.keySet());
        for (Map.Entry<String, Long> e : pending.entrySet()) {
          StoredMemory w = inWarm.get(e.getKey());
          if (w != null && w.version() >= e.getValue()) {
            // COLD copies up to the noted version are duplicates or stale: WARM holds as new.
            olderThan.put(e.getKey(), e.getValue() + 1);
          }
        }
        removed = olderThan.isEmpty() ? List.of() : cold.removeAllIfOlder(olderThan);
        journal.forget(pending);
      }
      for (String key : removed) {
        evicted(key, olderThan.get(key), Tier.COLD, "a copy left by an interrupted move");
      }
      withdrawn += removed.size();
    }
    return withdrawn;
  }

  private static List<String> keysOf(List<StoredMemory> memories) {
    List<String> keys = new ArrayList<>(memories.size());
    for (StoredMemory sm : memories) {
      keys.add(sm.key());
    }
    return keys;
  }

  /** Drops stale copies listed in {@code pending} from {@code tier}; returns how many went. */
  int dropStale(TierHandle tier, StaleCopies pending, int batch) {
    int dropped = 0;
    while (pending.size() > 0) {
      Map<String, Long> versions = pending.take(batch);
      if (versions.isEmpty()) {
        break;
      }
      // For COLD, noted first: a crash in the middle of the batch leaves the rest to the next
      // sweep (the in-memory list dies with the process, the note does not).
      Map<String, Long> noted = new HashMap<>();
      if (tier.tier == Tier.COLD) {
        versions.forEach((k, v) -> noted.put(k, v - 1));
        journal.note(noted);
      }
      List<String> removed;
      try {
        removed = tier.removeAllIfOlder(versions);
      } catch (RuntimeException e) {
        pending.restore(versions);
        throw e;
      }
      journal.forget(noted);
      for (String key : removed) {
        evicted(key, versions.get(key), tier.tier, "a copy older than the latest version");
      }
      dropped += removed.size();
    }
    return dropped;
  }

  StaleCopies stale(Tier tier) {
    return tier == Tier.HOT ? staleHot : staleCold;
  }

  private void moved(Memory m, Tier from, Tier to, Decision decision, long nanos) {
    signals.movementCompleted(from, to, decision.reason(), nanos);
    if (!signals.eventsWanted()) {
      return;
    }
    Duration took = Duration.ofNanos(nanos);
    java.time.Instant at = clock.instant();
    TierEvent event =
        switch (to) {
          case HOT ->
              new TierEvent.Promoted(
                  store,
                  at,
                  m.key(),
                  m.version(),
                  from,
                  to,
                  decision.reason(),
                  decision.detail(),
                  took);
          case COLD ->
              new TierEvent.Archived(
                  store,
                  at,
                  m.key(),
                  m.version(),
                  from,
                  to,
                  decision.reason(),
                  decision.detail(),
                  took);
          case WARM ->
              from == Tier.HOT
                  ? new TierEvent.Demoted(
                      store,
                      at,
                      m.key(),
                      m.version(),
                      from,
                      to,
                      decision.reason(),
                      decision.detail(),
                      took)
                  : new TierEvent.Rehydrated(
                      store,
                      at,
                      m.key(),
                      m.version(),
                      from,
                      to,
                      decision.reason(),
                      decision.detail(),
                      took);
        };
    signals.publish(event);
  }

  private void evicted(String key, long version, Tier tier, String detail) {
    signals.evicted(tier, MoveReason.STALE_COPY);
    if (signals.eventsWanted()) {
      signals.publish(
          new TierEvent.Evicted(
              store, clock.instant(), key, version, tier, MoveReason.STALE_COPY, detail));
    }
  }
}
