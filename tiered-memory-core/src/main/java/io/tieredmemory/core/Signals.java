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
  private boolean startsWanted;
  // A get is timed when (nextInt() >>> 1) < timingBelow, i.e. with probability 1 / timingSample.
  private boolean timeEveryGet = true;
  private int timingBelow = Integer.MAX_VALUE;
  private volatile boolean warned;

  void attach(List<TierObserver> attached) {
    this.observers = attached.toArray(new TierObserver[0]);
    this.eventObservers =
        attached.stream().filter(TierObserver::wantsEvents).toArray(TierObserver[]::new);
    this.startObservers =
        attached.stream().filter(TierObserver::wantsStarts).toArray(TierObserver[]::new);
    this.startsWanted = startObservers.length > 0;
    int sample = 0;
    for (TierObserver o : observers) {
      int n = o.timingSample(); // checked by checkTimingSamples before any observer is attached
      if (n > 0) {
        sample = sample == 0 ? n : Math.min(sample, n);
      }
    }
    if (sample == 0) {
      sample = TierObserver.DEFAULT_TIMING_SAMPLE;
    }
    this.timeEveryGet = sample == 1;
    this.timingBelow = Integer.MAX_VALUE / sample;
  }

  /**
   * Refuses an observer whose {@link TierObserver#timingSample()} is negative, naming it and the
   * value; called by the build before any observer is attached.
   */
  static void checkTimingSamples(List<TierObserver> observers) {
    for (TierObserver o : observers) {
      int n = o.timingSample();
      if (n < 0) {
        throw new IllegalArgumentException(
            "timingSample() of observer " + o + " must be 0 (no preference) or more, was " + n);
      }
    }
  }

  /**
   * Whether to time this {@code get} of an in-process HOT tier (only asked when {@link
   * #observed()}): true with probability 1 in the smallest positive {@link
   * TierObserver#timingSample()} of the observers. The draw is {@link ThreadLocalRandom}'s, whose
   * state is a field of the calling thread: no shared cache line is written, no clock is read.
   */
  boolean timeThisGet() {
    return timeEveryGet || (ThreadLocalRandom.current().nextInt() >>> 1) < timingBelow;
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

  @Override
  public void requestCompleted(
      Operation operation, @Nullable Tier tier, RequestResult result, long durationNanos) {
    for (TierObserver o : observers) {
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
