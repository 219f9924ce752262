package io.tieredmemory.core;

import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.spi.Location;
import io.tieredmemory.core.spi.StoredMemory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The write paths, {@code put} and {@code delete}. Each runs under its key's lock, so no other
 * write or move of that key (in this process or, with a shared coordinator, any other) interleaves
 * with it, and takes effect at one instant: WARM's atomic write of the key.
 *
 * <p>Both first remove HOT's copy, so that no reader is served the old value from HOT once WARM has
 * changed. If HOT cannot be reached: with a coordinator of this process only, every reader is in
 * this process, so the key is marked here (reads skip HOT for it) and noted durably in WARM's
 * journal (a sweep removes the copy, also after a crash) and the write goes on; with a shared
 * coordinator, readers in other processes would still be served the old copy, so the write fails
 * before changing anything.
 *
 * <p>A put leaves a copy of the new version in HOT, so that the next reads are HOT hits. When HOT
 * is remote and {@link ReadMoves} hands moves to other threads, that copy is made there, after the
 * put returned ({@link #copyToHot}): the caller then waits for HOT's removal and WARM's write, the
 * two calls a hand-written write-through makes, not for a third. Until the copy is in, reads are
 * served by WARM, which holds the new version: what a read returns is the same either way.
 */
final class Writes {
  private final String store;
  private final Clock clock;
  private final Signals signals;
  private final TierHandle hot;
  private final TierHandle warm;
  private final TierHandle cold;
  private final KeyLocks locks;
  private final StaleCopies staleHot;
  private final ReadWindows readWindows;
  private final HistoryRecorder history;
  private final ReadMover moves;
  // Whether a put's HOT copy is made by ReadMover's executor rather than under the put's lock.
  private final boolean copyLater;
  private final AtomicLong lastMarkId = new AtomicLong();

  Writes(
      String store,
      Clock clock,
      Signals signals,
      TierHandle hot,
      TierHandle warm,
      TierHandle cold,
      KeyLocks locks,
      StaleCopies staleHot,
      ReadWindows readWindows,
      HistoryRecorder history,
      ReadMover moves) {
    this.store = store;
    this.clock = clock;
    this.signals = signals;
    this.hot = hot;
    this.warm = warm;
    this.cold = cold;
    this.locks = locks;
    this.staleHot = staleHot;
    this.readWindows = readWindows;
    this.history = history;
    this.moves = moves;
    // An in-process HOT takes a copy in microseconds, less than a hand-over and WARM's re-read.
    this.copyLater = moves.background() && hot.remote();
  }

  /** Stores a new version of a validated key; throws {@link TieredMemoryException} on failure. */
  Memory put(
      String key, String content, Map<String, String> metadata, float @Nullable [] embedding) {
    long start = System.nanoTime();
    boolean starts = signals.startsWanted();
    if (starts) {
      signals.requestStarted(Operation.PUT, key);
    }
    Instant now;
    StoredMemory stored;
    try {
      now = clock.instant();
      Memory proposal = new Memory(key, content, metadata, now, now, micros(now), embedding);
      stored = putLocked(proposal, now.toEpochMilli());
    } catch (RuntimeException | Error e) {
      signals.requestFailed(Operation.PUT, e);
      signals.requestCompleted(Operation.PUT, null, RequestResult.ERROR, System.nanoTime() - start);
      throw e;
    }
    if (copyLater) {
      moves.move(key, "a put", () -> copyToHot(key));
    }
    long nanos = System.nanoTime() - start;
    if (starts) {
      // WARM keeps an existing memory's creation time (TierStore.upsert): no other call needed.
      signals.putStored(stored.memory().createdAt().equals(now));
    }
    signals.requestCompleted(Operation.PUT, Tier.WARM, RequestResult.SUCCESS, nanos);
    if (signals.eventsWanted()) {
      signals.publish(
          new TierEvent.Put(store, now, key, stored.version(), Duration.ofNanos(nanos)));
    }
    return stored.memory();
  }

  private StoredMemory putLocked(Memory proposal, long nowMillis) {
    String key = proposal.key();
    try (KeyLocks.Held held = lock("put", key)) {
      removeHotCopy("put", key);
      StoredMemory stored;
      try {
        stored = warm.upsert(proposal, nowMillis);
      } catch (RuntimeException e) {
        throw new TieredMemoryException(
            "put of key "
                + MemoryLimits.quote(key)
                + " failed: the WARM tier ("
                + warm.store.kind()
                + ") did not store it; nothing was acknowledged, a retry is safe",
            e);
      }
      if (history.enabled()) {
        // Under the key's lock, as moves record theirs: one instance's entries stay in order.
        history.record(
            HistoryEntry.Kind.PUT,
            key,
            stored.version(),
            null,
            Tier.WARM,
            null,
            stored.memory().createdAt().equals(proposal.createdAt()) ? "created" : "updated",
            Map.of());
      }
      if (!copyLater) {
        copyInQuietly(stored);
      }
      return stored;
    }
  }

  /**
   * The HOT copy of a put, made after it returned ({@link ReadMover}): under the key's lock, the
   * version WARM holds then, as a promotion copies, never the one the put wrote (a later put,
   * delete or archive may have come in between; a later put's own copy may have been folded into
   * this one while it waited). Nothing to copy if WARM no longer holds the memory.
   */
  private void copyToHot(String key) {
    try (KeyLocks.Held held = locks.lock(key)) {
      StoredMemory current = warm.peek(key);
      if (current != null) {
        copyInQuietly(current);
      }
    }
  }

  private void copyInQuietly(StoredMemory stored) {
    try {
      hot.copyIn(stored);
    } catch (RuntimeException e) {
      // HOT's old copy is gone, so HOT holds no copy or this one: reads are right either way.
    }
  }

  /**
   * Removes a validated key from every tier; returns whether it existed (WARM held it or its
   * archive mark). It takes effect when WARM forgets the key: nothing reads a COLD copy WARM does
   * not point to. The COLD copy of an archived memory is then removed too; if that fails, WARM
   * noted it in the same step as its own removal and the next sweep removes it.
   */
  boolean delete(String key) {
    long start = System.nanoTime();
    if (signals.startsWanted()) {
      signals.requestStarted(Operation.DELETE, key);
    }
    Instant now;
    boolean existed;
    try {
      now = clock.instant();
      existed = deleteLocked(key);
    } catch (RuntimeException | Error e) {
      signals.requestFailed(Operation.DELETE, e);
      signals.requestCompleted(
          Operation.DELETE, null, RequestResult.ERROR, System.nanoTime() - start);
      throw e;
    }
    long nanos = System.nanoTime() - start;
    signals.requestCompleted(Operation.DELETE, Tier.WARM, RequestResult.SUCCESS, nanos);
    if (signals.eventsWanted()) {
      signals.publish(new TierEvent.Deleted(store, now, key, existed));
    }
    return existed;
  }

  private boolean deleteLocked(String key) {
    try (KeyLocks.Held held = lock("delete", key)) {
      removeHotCopy("delete", key);
      Location was;
      try {
        was = warm.delete(key);
      } catch (RuntimeException e) {
        throw new TieredMemoryException(
            "delete of key "
                + MemoryLimits.quote(key)
                + " failed in the WARM tier ("
                + warm.store.kind()
                + "); it may or may not be deleted, a retry is safe",
            e);
      }
      readWindows.forget(key);
      if (was != null && history.enabled()) {
        boolean archived = was instanceof Location.Archived;
        history.record(
            HistoryEntry.Kind.DELETED,
            key,
            was.version(),
            archived ? Tier.COLD : Tier.WARM,
            null,
            null,
            archived ? "archived" : "",
            Map.of());
      }
      if (was instanceof Location.Archived) {
        removeColdCopy(key, was.version());
      }
      return was != null;
    }
  }

  private void removeColdCopy(String key, long version) {
    try {
      cold.removeIfVersion(key, version);
      warm.forget(Tier.COLD, Map.of(key, version));
    } catch (RuntimeException e) {
      // Reported by the handle; the note WARM wrote with its removal leaves it to the sweep.
    }
  }

  private KeyLocks.Held lock(String operation, String key) {
    try {
      return locks.lock(key);
    } catch (RuntimeException e) {
      throw new TieredMemoryException(
          operation
              + " of key "
              + MemoryLimits.quote(key)
              + " failed: the key coordinator ("
              + locks
              + ") could not lock the key: "
              + e.getMessage()
              + "; "
              + (operation.equals("put") ? "nothing was acknowledged" : "nothing was deleted")
              + ", a retry is safe",
          e);
    }
  }

  /** Removes HOT's copy before WARM changes; see the class comment for when HOT is unreachable. */
  private void removeHotCopy(String operation, String key) {
    RuntimeException failure;
    try {
      hot.remove(key);
      unmark(key);
      return;
    } catch (RuntimeException e) {
      failure = e;
    }
    if (locks.shared()) {
      throw new TieredMemoryException(
          operation
              + " of key "
              + MemoryLimits.quote(key)
              + " failed: the HOT tier ("
              + hot.store.kind()
              + ") could not remove its copy, which instances sharing the tiers would go on"
              + " reading; nothing was written, a retry is safe",
          failure);
    }
    long id = nextMarkId();
    try {
      warm.note(Tier.HOT, Map.of(key, id));
    } catch (RuntimeException e) {
      e.addSuppressed(failure);
      throw new TieredMemoryException(
          operation
              + " of key "
              + MemoryLimits.quote(key)
              + " failed: the HOT tier could not remove its copy and the WARM tier ("
              + warm.store.kind()
              + ") could not note it; nothing was written, a retry is safe",
          e);
    }
    staleHot.mark(key, id);
  }

  /**
   * HOT no longer holds a copy of {@code key} and, under its lock, nothing but this write adds one:
   * an earlier mark is settled, so reads may use HOT again at once instead of after the next sweep.
   */
  private void unmark(String key) {
    Long id = staleHot.markOf(key);
    if (id != null) {
      try {
        warm.forget(Tier.HOT, Map.of(key, id));
        staleHot.clear(key, id);
      } catch (RuntimeException e) {
        // The mark stays (reads skip HOT for the key) and the next sweep settles it.
      }
    }
  }

  /** Increasing ids for HOT marks: a note is forgotten only if no newer mark replaced it. */
  private long nextMarkId() {
    long now = micros(clock.instant());
    return lastMarkId.updateAndGet(last -> Math.max(now, last + 1));
  }

  static long micros(Instant t) {
    return Math.max(
        1, Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000));
  }
}
