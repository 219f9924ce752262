package io.tieredmemory.core;

import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.policy.Decision;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.spi.StoredMemory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Moves memories between tiers, copy first and version-checked removal second, each move under the
 * key's lock.
 *
 * <ul>
 *   <li>promote (WARM to HOT): a copy; WARM keeps the memory. If WARM lost the key meanwhile (a
 *       delete elsewhere), the HOT copy is withdrawn.
 *   <li>demote (HOT to WARM): WARM learns the HOT copy's last access (or receives the copy if it
 *       lacks the key), then the HOT copy is removed if it is still that version.
 *   <li>archive (WARM to COLD), rehydrate (COLD to WARM): copy, then remove the source if it still
 *       holds the copied version. If the source changed (a newer put), the copy is withdrawn; if
 *       the removal failed, the source is recorded as possibly stale and the next sweep retries.
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

  Mover(
      String store,
      Clock clock,
      TierHandle hot,
      TierHandle warm,
      TierHandle cold,
      Signals signals,
      KeyLocks locks,
      StaleCopies staleHot,
      StaleCopies staleCold) {
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
      boolean warmHad = warm.touch(sm.key(), sm.lastAccessMillis());
      boolean copied = !warmHad && warm.copyIn(sm);
      if (!hot.removeIfVersion(sm.key(), sm.version())) {
        if (copied) {
          warm.removeIfVersion(sm.key(), sm.version());
        }
        return false; // HOT holds a newer version, or the key was deleted meanwhile
      }
      moved(sm.memory(), Tier.HOT, Tier.WARM, decision, System.nanoTime() - start);
      return true;
    }
  }

  /** WARM to COLD. Returns whether the memory is now archived. */
  boolean archive(StoredMemory sm, Decision decision) {
    return copyThenRemove(sm, warm, cold, decision, true);
  }

  /** COLD to WARM. Returns whether WARM now holds the memory. */
  boolean rehydrate(StoredMemory sm, Decision decision) {
    return copyThenRemove(sm, cold, warm, decision, false);
  }

  private boolean copyThenRemove(
      StoredMemory sm, TierHandle from, TierHandle to, Decision decision, boolean unlessHot) {
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
      if (unlessHot) {
        // A memory in HOT is in use (another process may have promoted it since the sweep
        // looked): archiving it would leave HOT holding a memory WARM no longer has, and its
        // demotion would later bring a second copy back to WARM. WARM learns the HOT reads.
        StoredMemory inHot = hot.peek(key);
        if (inHot != null) {
          from.touch(key, inHot.lastAccessMillis());
          return false;
        }
      }
      if (!to.copyIn(current)) {
        // The target already holds a newer version: this copy is stale where it is.
        if (from.removeIfVersion(key, version)) {
          evicted(
              key, version + 1, from.tier, "superseded by a newer version in " + to.tier.label());
        }
        return false;
      }
      boolean removed;
      try {
        removed = from.removeIfVersion(key, version);
      } catch (RuntimeException e) {
        // Two copies of one version now exist; the source copy goes on the next sweep.
        stale(from.tier).add(key, version + 1);
        throw e;
      }
      if (!removed) {
        StoredMemory now = from.peek(key);
        if (now != null && now.version() > version) {
          to.removeIfVersion(key, version); // a newer put won: withdraw the copy
        }
        return false;
      }
      moved(current.memory(), from.tier, to.tier, decision, System.nanoTime() - start);
      return true;
    }
  }

  /** Drops stale copies listed in {@code pending} from {@code tier}; returns how many went. */
  int dropStale(TierHandle tier, StaleCopies pending, int batch) {
    int dropped = 0;
    while (pending.size() > 0) {
      Map<String, Long> versions = pending.take(batch);
      if (versions.isEmpty()) {
        break;
      }
      List<String> removed;
      try {
        removed = tier.removeAllIfOlder(versions);
      } catch (RuntimeException e) {
        pending.restore(versions);
        throw e;
      }
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
