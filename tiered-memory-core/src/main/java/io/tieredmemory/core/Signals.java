package io.tieredmemory.core;

import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.spi.TierObserver;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The store's observers, each call guarded so that user code that throws is logged (the first time
 * at WARNING, then at DEBUG) and never reaches the caller. With no observer that wants events,
 * {@link #eventsWanted()} is false and no event is built; with no observer that wants starts,
 * {@link #startsWanted()} is false and no start hook is called.
 */
final class Signals implements TierObserver {
  private static final System.Logger LOG = System.getLogger(Signals.class.getName());

  // Set once by attach(), before the store is returned from build(); read-only afterwards.
  private TierObserver[] observers = new TierObserver[0];
  private TierObserver[] eventObservers = new TierObserver[0];
  private TierObserver[] startObservers = new TierObserver[0];
  // The observers called for a get that was not timed (TierObserver.wantsUntimedGets()).
  private TierObserver[] untimedObservers = new TierObserver[0];
  private boolean startsWanted;
  // Whether the store counts its requests in tally: when some observer reads the counts instead of
  // being told of untimed gets. Then the tally's per-thread cells also hold the draw of timed gets.
  private boolean counting;
  private final RequestTally tally = new RequestTally();
  // Without counting, a get is timed when (nextInt() >>> 1) < timingBelow, i.e. with probability
  // 1 / timingSample; with counting, when the tally's draw says so (the same law).
  private boolean timeEveryGet = true;
  private int timingBelow = Integer.MAX_VALUE;
  private volatile boolean warned;

  void attach(List<TierObserver> attached) {
    this.observers = attached.toArray(new TierObserver[0]);
    this.eventObservers =
        attached.stream().filter(TierObserver::wantsEvents).toArray(TierObserver[]::new);
    this.startObservers =
        attached.stream().filter(TierObserver::wantsStarts).toArray(TierObserver[]::new);
    this.untimedObservers =
        attached.stream().filter(TierObserver::wantsUntimedGets).toArray(TierObserver[]::new);
    this.startsWanted = startObservers.length > 0;
    this.counting = untimedObservers.length < observers.length;
    int sample = 0;
    for (TierObserver o : observers) {
      int n = o.timingSample(); // checked by checkObservers before any observer is attached
      if (n > 0) {
        sample = sample == 0 ? n : Math.min(sample, n);
      }
    }
    if (sample == 0) {
      sample = TierObserver.DEFAULT_TIMING_SAMPLE;
    }
    this.timeEveryGet = sample == 1;
    this.timingBelow = Integer.MAX_VALUE / sample;
    if (sample > 1) {
      tally.sampleOneIn(sample);
    }
  }

  /**
   * Refuses, naming the observer and the value, an observer whose {@link
   * TierObserver#timingSample()} is negative, or one that wants starts but not untimed gets (it
   * would see starts without their completions); called by the build before any observer is
   * attached.
   */
  static void checkObservers(List<TierObserver> observers) {
    for (TierObserver o : observers) {
      int n = o.timingSample();
      if (n < 0) {
        throw new IllegalArgumentException(
            "timingSample() of observer " + o + " must be 0 (no preference) or more, was " + n);
      }
      if (o.wantsStarts() && !o.wantsUntimedGets()) {
        throw new IllegalArgumentException(
            "observer "
                + o
                + " wants starts, so wantsUntimedGets() must be true, was false: every"
                + " requestStarted is followed by its requestCompleted");
      }
    }
  }

  /**
   * The store's counts of its requests, given to the observers that do not want untimed gets; they
   * count only once {@link #attach} found such an observer.
   */
  RequestTally counts() {
    return tally;
  }

  /**
   * The calling thread's cells of the request counts (one thread-local lookup), or null when the
   * store does not count: what a get passes to {@link #timeThisGet} and {@link #getCompleted}.
   */
  long @Nullable [] cells() {
    return counting ? tally.cells() : null;
  }

  /**
   * Whether to time this {@code get} of an in-process HOT tier (only asked when {@link
   * #observed()}): true with probability 1 in the smallest positive {@link
   * TierObserver#timingSample()} of the observers, independently of other gets. The draw is {@link
   * ThreadLocalRandom}'s, or the countdown in the thread's {@code cells}: state of the calling
   * thread either way, so no shared cache line is written, no clock is read.
   */
  boolean timeThisGet(long @Nullable [] cells) {
    if (timeEveryGet) {
      return true;
    }
    return cells != null
        ? tally.draw(cells)
        : (ThreadLocalRandom.current().nextInt() >>> 1) < timingBelow;
  }

  /**
   * A get completed: counted in the calling thread's {@code cells} (from {@link #cells()}, null
   * when the store does not count) and reported to the observers, or, when it was not timed ({@code
   * durationNanos == -1}), to those that want untimed gets only.
   */
  void getCompleted(
      long @Nullable [] cells, @Nullable Tier tier, RequestResult result, long durationNanos) {
    completed(cells, Operation.GET, tier, result, durationNanos);
  }

  /**
   * Whether some observer wants the start hooks; when false, the paths call none of them (one
   * boolean check per request, nothing allocated).
   */
  boolean startsWanted() {
    return startsWanted;
  }

  boolean eventsWanted() {
    return eventObservers.length > 0;
  }

  /** Whether any observer is attached: without one, nothing is timed. */
  boolean observed() {
    return observers.length > 0;
  }

  TierObserver[] observers() {
    return observers;
  }

  void publish(TierEvent event) {
    for (TierObserver l : eventObservers) {
      try {
        l.onEvent(event);
      } catch (RuntimeException | LinkageError e) {
        failed(l, "onEvent", e);
      }
    }
  }

  /*
   * Each hook below has its own loop rather than one helper taking the call as a lambda: these run
   * on every request, and a lambda capturing the hook's arguments is an object per call, where a
   * TierObserver recording into pre-registered meters is promised to allocate nothing (metrics add
   * ~0 B/op, docs/benchmarks.md). The loops differ only in the call; failed() is what they share.
   */

  /**
   * A request completed: counted (when the store counts) and reported to every observer, or, when
   * it was not timed, to those that want untimed gets only. A get uses {@link #getCompleted}, with
   * the cells it already looked up.
   */
  @Override
  public void requestCompleted(
      Operation operation, @Nullable Tier tier, RequestResult result, long durationNanos) {
    completed(cells(), operation, tier, result, durationNanos);
  }

  private void completed(
      long @Nullable [] cells,
      Operation operation,
      @Nullable Tier tier,
      RequestResult result,
      long durationNanos) {
    if (cells != null) {
      RequestTally.count(cells, RequestTally.index(operation, tier, result));
    }
    for (TierObserver o : durationNanos >= 0 ? observers : untimedObservers) {
      try {
        o.requestCompleted(operation, tier, result, durationNanos);
      } catch (RuntimeException | LinkageError e) {
        failed(o, "requestCompleted", e);
      }
    }
  }

  @Override
  public void backendCallCompleted(
      Tier tier, BackendOperation operation, boolean success, long durationNanos) {
    for (TierObserver o : observers) {
      try {
        o.backendCallCompleted(tier, operation, success, durationNanos);
      } catch (RuntimeException | LinkageError e) {
        failed(o, "backendCallCompleted", e);
      }
    }
  }

  @Override
  public void movementCompleted(
      Tier from, Tier to, MoveReason reason, @Nullable String kind, long durationNanos) {
    for (TierObserver o : observers) {
      try {
        o.movementCompleted(from, to, reason, kind, durationNanos);
      } catch (RuntimeException | LinkageError e) {
        failed(o, "movementCompleted", e);
      }
    }
  }

  @Override
  public void evicted(Tier tier, MoveReason reason) {
    for (TierObserver o : observers) {
      try {
        o.evicted(tier, reason);
      } catch (RuntimeException | LinkageError e) {
        failed(o, "evicted", e);
      }
    }
  }

  @Override
  public void sweepCompleted(boolean success, long durationNanos) {
    for (TierObserver o : observers) {
      try {
        o.sweepCompleted(success, durationNanos);
      } catch (RuntimeException | LinkageError e) {
        failed(o, "sweepCompleted", e);
      }
    }
  }

  @Override
  public void sweepPlanned(MoveReason reason, int moves) {
    for (TierObserver o : observers) {
      try {
        o.sweepPlanned(reason, moves);
      } catch (RuntimeException | LinkageError e) {
        failed(o, "sweepPlanned", e);
      }
    }
  }

  @Override
  public void searchCompleted(int hits, double topSimilarity) {
    for (TierObserver o : observers) {
      try {
        o.searchCompleted(hits, topSimilarity);
      } catch (RuntimeException | LinkageError e) {
        failed(o, "searchCompleted", e);
      }
    }
  }

  @Override
  public void recalled(String source, int hot, int warm, int cold) {
    for (TierObserver o : observers) {
      try {
        o.recalled(source, hot, warm, cold);
      } catch (RuntimeException | LinkageError e) {
        failed(o, "recalled", e);
      }
    }
  }

  /*
   * The start hooks and their companions go to the observers that want starts only. The paths call
   * them only when startsWanted(), except requestFailed, movementEnded and sweep completions on
   * error paths, where an empty loop costs nothing that matters.
   */

  @Override
  public void requestStarted(Operation operation, @Nullable String key) {
    for (TierObserver o : startObservers) {
      try {
        o.requestStarted(operation, key);
      } catch (RuntimeException | LinkageError e) {
        failed(o, "requestStarted", e);
      }
    }
  }

  @Override
  public void requestFailed(Operation operation, Throwable error) {
    for (TierObserver o : startObservers) {
      try {
        o.requestFailed(operation, error);
      } catch (RuntimeException | LinkageError e) {
        failed(o, "requestFailed", e);
      }
    }
  }

  @Override
  public void putStored(boolean created) {
    for (TierObserver o : startObservers) {
      try {
        o.putStored(created);
      } catch (RuntimeException | LinkageError e) {
        failed(o, "putStored", e);
      }
    }
  }

  @Override
  public void movementStarted(Tier from, Tier to, MoveReason reason, @Nullable String key) {
    for (TierObserver o : startObservers) {
      try {
        o.movementStarted(from, to, reason, key);
      } catch (RuntimeException | LinkageError e) {
        failed(o, "movementStarted", e);
      }
    }
  }

  @Override
  public void movementEnded(
      Tier from, Tier to, MoveReason reason, int moved, @Nullable Throwable error) {
    for (TierObserver o : startObservers) {
      try {
        o.movementEnded(from, to, reason, moved, error);
      } catch (RuntimeException | LinkageError e) {
        failed(o, "movementEnded", e);
      }
    }
  }

  @Override
  public void sweepStarted() {
    for (TierObserver o : startObservers) {
      try {
        o.sweepStarted();
      } catch (RuntimeException | LinkageError e) {
        failed(o, "sweepStarted", e);
      }
    }
  }

  /** Tells every observer the store closed. */
  @Override
  public void detached(TieredMemory store) {
    for (TierObserver o : observers) {
      try {
        o.detached(store);
      } catch (RuntimeException | LinkageError e) {
        failed(o, "detached", e);
      }
    }
  }

  private void failed(Object outlet, String method, Throwable e) {
    Level level = warned ? Level.DEBUG : Level.WARNING;
    warned = true;
    LOG.log(level, () -> outlet.getClass().getName() + "." + method + " threw; ignored", e);
  }
}
