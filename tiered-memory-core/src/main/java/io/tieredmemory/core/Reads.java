package io.tieredmemory.core;

import io.tieredmemory.core.policy.Decision;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Location;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The read paths, {@code get} and {@code getAll}: HOT, then WARM's directory, then COLD for a
 * memory WARM says is archived. Reads take no lock. They are linearizable per key because of what
 * every write and move keeps true (see {@link Mover}): HOT holds no copy or WARM's version, and
 * WARM alone says whether a key exists (a miss there is a miss, COLD is not asked).
 *
 * <p>One race is left to reads: WARM says "archived", and before COLD is read a rehydration (or a
 * put, a delete) of that key settles and COLD's copy goes. The read then asks WARM again; if moves
 * keep winning that race, it reads once more under the key's lock, where nothing moves.
 */
final class Reads {
  private static final System.Logger LOG = System.getLogger(Reads.class.getName());

  /** Unlocked attempts before a read of an archived memory takes the key's lock. */
  private static final int OPTIMISTIC_ATTEMPTS = 3;

  private final String store;
  private final TieringPolicy policy;
  private final Clock clock;
  private final @Nullable CoarseClock coarse;
  private final Signals signals;
  private final TierHandle hot;
  private final TierHandle warm;
  private final TierHandle cold;
  private final KeyLocks locks;
  private final StaleCopies staleHot;
  private final Sweeper sweeper;
  private final ReadWindows readWindows;
  private final Mover mover;
  private final ReadMover readMover;
  private final Recalls recalls;

  Reads(
      String store,
      TieringPolicy policy,
      Clock clock,
      @Nullable CoarseClock coarse,
      Signals signals,
      TierHandle[] tiers,
      KeyLocks locks,
      StaleCopies staleHot,
      Sweeper sweeper,
      ReadWindows readWindows,
      Mover mover,
      ReadMover readMover,
      Recalls recalls) {
    this.store = store;
    this.policy = policy;
    this.clock = clock;
    this.coarse = coarse;
    this.signals = signals;
    this.hot = tiers[Tier.HOT.ordinal()];
    this.warm = tiers[Tier.WARM.ordinal()];
    this.cold = tiers[Tier.COLD.ordinal()];
    this.locks = locks;
    this.staleHot = staleHot;
    this.sweeper = sweeper;
    this.readWindows = readWindows;
    this.mover = mover;
    this.readMover = readMover;
    this.recalls = recalls;
  }

  /** A memory found below HOT, and where. */
  private record Found(Memory memory, Tier tier) {}

  /**
   * Reads a validated key. With an observer that wants starts, the request is started first and
   * completed exactly once on every way out, an {@link Error} included (the {@code reported} flag:
   * a local, so the unobserved HOT hit pays one boolean check and allocates nothing). With a {@code
   * source} (a recall: {@code TieredMemory.get(key, source)}), what it returned is recorded by
   * {@link Recalls} just before the completion of a hit or a miss.
   */
  Optional<Memory> get(String key, @Nullable String source) {
    boolean observed = signals.observed();
    // Every request is counted, by the observers or (when one reads the store's counts) in the
    // calling thread's cells; with an in-process HOT tier a get is timed only if drawn (1 in
    // TierObserver.timingSample(), whatever tier serves it, so the timed gets are an unbiased
    // sample): two clock reads would cost more than the hit itself. A recall is always timed for
    // its event, and reports its duration to requestCompleted only if drawn. cells is looked up
    // once, for the draw and the count.
    long[] cells = signals.cells();
    boolean sampled = observed && (hot.remote() || signals.timeThisGet(cells));
    boolean timed = sampled || (observed && source != null);
    long start = timed ? System.nanoTime() : 0;
    if (signals.startsWanted()) {
      signals.requestStarted(Operation.GET, key);
    }
    boolean reported = false;
    try {
      long now = nowMillis();
      if (hotUsable(key)) {
        Memory m = readHotQuietly(key, now);
        if (m != null) {
          reported = true;
          long nanos = since(start, timed);
          if (source != null) {
            recalls.got(source, m, Tier.HOT, nanos);
          }
          signals.getCompleted(cells, Tier.HOT, RequestResult.HIT, sampled ? nanos : -1);
          return Optional.of(m);
        }
      }
      Found found;
      try {
        found = readBelowHot(key, now);
      } catch (RuntimeException e) {
        TieredMemoryException failure = failed("get of key " + MemoryLimits.quote(key), e);
        reported = true;
        signals.requestFailed(Operation.GET, failure);
        signals.getCompleted(cells, null, RequestResult.ERROR, since(start, sampled));
        throw failure;
      }
      if (found == null) {
        reported = true;
        long nanos = since(start, timed);
        if (source != null) {
          recalls.got(source, null, null, nanos);
        }
        signals.getCompleted(cells, null, RequestResult.MISS, sampled ? nanos : -1);
        return Optional.empty();
      }
      // The serving tier is recorded before any movement the read causes.
      reported = true;
      long nanos = since(start, timed);
      if (source != null) {
        recalls.got(source, found.memory, found.tier, nanos);
      }
      signals.getCompleted(cells, found.tier, RequestResult.HIT, sampled ? nanos : -1);
      afterRead(found.memory, found.tier, now);
      return Optional.of(found.memory);
    } catch (Error e) {
      if (!reported) {
        signals.requestFailed(Operation.GET, e);
        signals.getCompleted(cells, null, RequestResult.ERROR, since(start, sampled));
      }
      throw e;
    }
  }

  /**
   * Reads validated, distinct keys; absent keys are left out. One request per key: started in the
   * caller's order, completed in reverse order (observers pair starts and completions last in,
   * first out), exactly once each, an {@link Error} included.
   */
  Map<String, Memory> getAll(List<String> wanted) {
    long start = System.nanoTime();
    if (signals.startsWanted()) {
      for (String k : wanted) {
        signals.requestStarted(Operation.GET, k);
      }
    }
    long now;
    Map<String, Found> found;
    try {
      now = nowMillis();
      found = lookAll(wanted, now);
    } catch (RuntimeException | Error e) {
      long each = (System.nanoTime() - start) / wanted.size();
      for (int i = 0; i < wanted.size(); i++) {
        signals.requestFailed(Operation.GET, e);
        signals.requestCompleted(Operation.GET, null, RequestResult.ERROR, each);
      }
      throw e;
    }
    long each = (System.nanoTime() - start) / wanted.size();
    Map<String, Memory> result = new LinkedHashMap<>();
    for (String k : wanted) {
      Found f = found.get(k);
      if (f != null) {
        result.put(k, f.memory);
      }
    }
    for (int i = wanted.size() - 1; i >= 0; i--) {
      Found f = found.get(wanted.get(i));
      signals.requestCompleted(
          Operation.GET,
          f == null ? null : f.tier,
          f == null ? RequestResult.MISS : RequestResult.HIT,
          each);
    }
    for (String k : wanted) {
      Found f = found.get(k);
      if (f != null) {
        afterRead(f.memory, f.tier, now);
      }
    }
    return Collections.unmodifiableMap(result);
  }

  /** Where each key is, for getAll; a WARM or COLD failure as a {@link TieredMemoryException}. */
  private Map<String, Found> lookAll(List<String> wanted, long now) {
    Map<String, Found> found = new HashMap<>();
    List<String> forHot = new ArrayList<>(wanted.size());
    for (String k : wanted) {
      if (hotUsable(k)) {
        forHot.add(k);
      }
    }
    TierHandle at = warm;
    if (!forHot.isEmpty()) {
      try {
        for (Map.Entry<String, Memory> e : hot.readAll(forHot, now).entrySet()) {
          found.put(e.getKey(), new Found(e.getValue(), Tier.HOT));
        }
      } catch (RuntimeException e) {
        // reported by the handle; WARM serves these reads
      }
    }
    try {
      List<String> rest = missing(wanted, found);
      List<String> archived = new ArrayList<>();
      at = warm;
      for (Map.Entry<String, Location> e : warm.locateAll(rest, now).entrySet()) {
        if (e.getValue() instanceof Location.Held h) {
          found.put(e.getKey(), new Found(h.memory().memory(), Tier.WARM));
        } else {
          archived.add(e.getKey());
        }
      }
      if (!archived.isEmpty()) {
        at = cold;
        for (Map.Entry<String, Memory> e : cold.readAll(archived, now).entrySet()) {
          found.put(e.getKey(), new Found(e.getValue(), Tier.COLD));
        }
        for (String k : missing(archived, found)) {
          Found f = readBelowHot(k, now); // moved since WARM was read: look again
          if (f != null) {
            found.put(k, f);
          }
        }
      }
    } catch (RuntimeException e) {
      throw failed("getAll of " + wanted.size() + " keys (in " + at.describe() + ")", e);
    }
    return found;
  }

  private boolean hotUsable(String key) {
    return sweeper.hotTrusted() && !staleHot.mayBeStale(key);
  }

  private @Nullable Memory readHotQuietly(String key, long now) {
    try {
      return hot.read(key, now);
    } catch (RuntimeException e) {
      return null; // reported by the handle; WARM serves the read
    }
  }

  /** WARM, then COLD if WARM says archived; null if the key exists nowhere. */
  private @Nullable Found readBelowHot(String key, long now) {
    for (int attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
      Found f = locateOnce(key, now);
      if (f != MOVED) {
        return f;
      }
    }
    try (KeyLocks.Held held = locks.lock(key)) {
      Found f = locateOnce(key, now);
      if (f == MOVED) {
        throw new TieredMemoryException(
            "key "
                + MemoryLimits.quote(key)
                + " is archived, but the COLD tier ("
                + cold.store.kind()
                + ") does not hold it");
      }
      return f;
    }
  }

  /** Marks "WARM said archived, COLD no longer holds it": the memory moved meanwhile. */
  @SuppressWarnings("NullAway") // compared by identity only: its memory is never read
  private static final Found MOVED = new Found(null, Tier.COLD);

  private @Nullable Found locateOnce(String key, long now) {
    Location where;
    try {
      where = warm.locate(key, now);
    } catch (RuntimeException e) {
      throw failedIn(warm, key, e);
    }
    if (where == null) {
      return null;
    }
    if (where instanceof Location.Held h) {
      return new Found(h.memory().memory(), Tier.WARM);
    }
    Memory m;
    try {
      m = cold.read(key, now);
    } catch (RuntimeException e) {
      throw failedIn(cold, key, e);
    }
    return m != null ? new Found(m, Tier.COLD) : MOVED;
  }

  private static TieredMemoryException failedIn(TierHandle tier, String key, RuntimeException e) {
    return new TieredMemoryException(
        "get of key "
            + MemoryLimits.quote(key)
            + " failed in "
            + tier.describe()
            + ": "
            + e.getMessage(),
        e);
  }

  /**
   * Promotion and rehydration after a read, made by {@link ReadMover} (on this thread or handed
   * over, {@link ReadMoves}); failures are logged, never thrown to the reader. The read is counted
   * here, on the reading thread, so that the window sees reads in the order they were served.
   */
  private void afterRead(Memory m, Tier servedBy, long now) {
    try {
      if (servedBy == Tier.WARM) {
        long span = readWindows.recordAndCheck(m.key(), now);
        if (span != ReadWindows.NOT_DUE) {
          Decision decision = promotion(span);
          readMover.move(m.key(), "a WARM read", () -> mover.promote(m.key(), now, decision));
        }
      } else if (servedBy == Tier.COLD && policy.rehydration().enabled()) {
        readMover.move(m.key(), "a COLD read", () -> rehydrate(m, now));
      }
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.DEBUG,
          () -> "store '" + store + "': moving after a " + servedBy.label() + " read failed",
          e);
    }
  }

  /** COLD to WARM, then to HOT if the policy says so or the reads in the window are due. */
  private void rehydrate(Memory m, long now) {
    if (!mover.rehydrate(m, policy.rehydration().decision())) {
      return;
    }
    if (policy.rehydration().promoteToHot()) {
      mover.promote(m.key(), now, policy.rehydration().decision());
    } else {
      long span = readWindows.recordAndCheck(m.key(), now);
      if (span != ReadWindows.NOT_DUE) {
        mover.promote(m.key(), now, promotion(span));
      }
    }
  }

  /** The promotion decision, with the reads' span among its inputs (promotions are rare). */
  private Decision promotion(long spanMillis) {
    return policy.promotion().decision(Duration.ofMillis(spanMillis));
  }

  private static TieredMemoryException failed(String what, RuntimeException e) {
    if (e instanceof TieredMemoryException t) {
      return t;
    }
    return new TieredMemoryException(what + " failed: " + e.getMessage(), e);
  }

  private static List<String> missing(List<String> wanted, Map<String, Found> found) {
    List<String> missing = new ArrayList<>();
    for (String k : wanted) {
      if (!found.containsKey(k)) {
        missing.add(k);
      }
    }
    return missing;
  }

  private static long since(long start, boolean timed) {
    return timed ? System.nanoTime() - start : -1;
  }

  private long nowMillis() {
    CoarseClock c = coarse;
    return c != null ? c.millis() : clock.millis();
  }

  /** Distinct keys in the caller's order. */
  static List<String> distinct(Collection<String> keys) {
    return new ArrayList<>(new LinkedHashSet<>(keys));
  }
}
