package io.tieredmemory.core;

import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.StoredMemory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One sweep: flush buffered access statistics, remove HOT copies noted as possibly stale, remove
 * COLD copies WARM does not point to (left by puts and deletes of archived memories and by
 * interrupted moves), demote idle then over-capacity HOT memories, archive idle WARM memories.
 * Candidates come from each tier's last-access index in batches, so the cost follows the number of
 * candidates, not of memories held. A step whose backend fails stops there and is retried by the
 * next sweep; the other steps still run.
 */
final class Sweeper {
  private static final System.Logger LOG = System.getLogger(Sweeper.class.getName());

  private final String store;
  private final Clock clock;
  private final TieringPolicy policy;
  private final TierHandle hot;
  private final TierHandle warm;
  private final TierHandle cold;
  private final Mover mover;
  private final ReadWindows readWindows;
  private final Signals signals;
  private static final long BASE_BACKOFF_MILLIS = 1_000L;
  private static final long MAX_BACKOFF_MILLIS = 300_000L;

  private final ReentrantLock oneAtATime = new ReentrantLock();
  private volatile boolean hotTrusted;
  private final Map<String, Backoff> backoffs = new HashMap<>();
  private final List<Backoff> failedThisSweep = new ArrayList<>();

  Sweeper(
      String store,
      Clock clock,
      TieringPolicy policy,
      TierHandle hot,
      TierHandle warm,
      TierHandle cold,
      Mover mover,
      ReadWindows readWindows,
      Signals signals) {
    this.store = store;
    this.clock = clock;
    this.policy = policy;
    this.hot = hot;
    this.warm = warm;
    this.cold = cold;
    this.mover = mover;
    this.readWindows = readWindows;
    this.signals = signals;
  }

  /** Counters of one sweep. */
  private static final class Tally {
    int demoted;
    int archived;
    int reconciled;
    int failed;
  }

  SweepResult sweep() {
    oneAtATime.lock();
    try {
      return sweepLocked();
    } finally {
      oneAtATime.unlock();
    }
  }

  /**
   * One sweep, under {@code oneAtATime}. With an observer that wants starts, the sweep is started
   * first and completed exactly once, also if something throws (the steps catch their own failures;
   * an {@link Error} or a failing clock is what could still escape).
   */
  private SweepResult sweepLocked() {
    if (signals.startsWanted()) {
      signals.sweepStarted();
    }
    long start = System.nanoTime();
    boolean reported = false;
    try {
      long now = clock.millis();
      Tally t = new Tally();
      for (TierHandle h : List.of(hot, warm, cold)) {
        step(t, "flush " + h.tier.label(), h::flush);
      }
      step(t, "drop stale hot copies", () -> trustHot(t));
      step(
          t,
          "drop cold copies warm does not point to",
          () -> t.reconciled += mover.reconcileCold(batch()));
      readWindows.prune(now);
      step(t, "demote idle", () -> demoteIdle(t, now));
      step(t, "demote over capacity", () -> demoteOverCapacity(t));
      step(t, "archive idle", () -> archiveIdle(t, now));
      long end = clock.millis();
      for (Backoff b : failedThisSweep) {
        b.notBefore = end + b.delay;
      }
      failedThisSweep.clear();
      long nanos = System.nanoTime() - start;
      SweepResult result =
          new SweepResult(t.demoted, t.archived, t.reconciled, t.failed, Duration.ofNanos(nanos));
      reported = true;
      signals.sweepCompleted(t.failed == 0, nanos);
      if (signals.eventsWanted()) {
        signals.publish(
            new TierEvent.SweepCompleted(
                store,
                clock.instant(),
                t.demoted,
                t.archived,
                t.reconciled,
                t.failed,
                result.took()));
      }
      return result;
    } catch (RuntimeException | Error e) {
      if (!reported) {
        signals.sweepCompleted(false, System.nanoTime() - start);
      }
      throw e;
    }
  }

  /**
   * Whether reads may use HOT. False while WARM's journal still notes HOT copies that may be stale
   * (left by puts or deletes that could not reach HOT, possibly by a process that has died since):
   * until the sweep has removed them, reads skip HOT.
   */
  boolean hotTrusted() {
    return hotTrusted;
  }

  /**
   * Removes the HOT copies the journal notes as possibly stale, and trusts HOT for reads once none
   * is left. Called at start and by every sweep.
   */
  void trustHot() {
    oneAtATime.lock();
    try {
      trustHot(null);
    } finally {
      oneAtATime.unlock();
    }
  }

  private void trustHot(@Nullable Tally t) {
    Mover.HotDrain drained = mover.drainHotNotes(batch());
    if (t != null) {
      t.reconciled += drained.removed();
    }
    if (drained.done()) {
      hotTrusted = true;
    }
  }

  private int batch() {
    return policy.sweepBatchSize();
  }

  /**
   * Runs one step, unless it failed recently: a step whose backend failed is retried after 1 s,
   * then 2 s, 4 s... up to 5 min of the store's clock (whatever the sweep schedule), so a server
   * that is down is not hammered and its backlog stays where it is (copy-then-delete leaves every
   * memory in place) until it answers again. A step skipped while backing off counts as failed.
   */
  private void step(Tally t, String name, Runnable body) {
    Backoff b = backoffs.computeIfAbsent(name, n -> new Backoff());
    long now = clock.millis();
    if (now < b.notBefore) {
      t.failed++;
      return;
    }
    try {
      body.run();
      b.failures = 0;
      b.notBefore = 0;
    } catch (RuntimeException e) {
      t.failed++;
      b.failures++;
      long delay =
          Math.min(MAX_BACKOFF_MILLIS, BASE_BACKOFF_MILLIS << Math.min(20, b.failures - 1));
      // Counted from the end of this sweep (see sweep()): a sweep whose failing steps each wait
      // for a timeout can outlast a short back-off, and the next sweep must still skip them.
      b.notBefore = Long.MAX_VALUE;
      b.delay = delay;
      failedThisSweep.add(b);
      LOG.log(
          b.failures == 1 ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
          () ->
              "store '"
                  + store
                  + "': sweep step '"
                  + name
                  + "' failed ("
                  + b.failures
                  + " in a row); retried in "
                  + delay
                  + " ms",
          e);
    }
  }

  /** Consecutive failures of one step and when it may run again; guarded by oneAtATime. */
  private static final class Backoff {
    int failures;
    long notBefore;
    long delay;
  }

  private void demoteIdle(Tally t, long now) {
    long cutoff = now - policy.demotion().idle().toMillis();
    int budget = policy.maxMovesPerSweep();
    while (budget > 0) {
      List<StoredMemory> batch = hot.oldestAccessed(cutoff, Math.min(batch(), budget));
      int moved = 0;
      for (StoredMemory sm : batch) {
        Duration idle = Duration.ofMillis(now - sm.lastAccessMillis());
        if (mover.demote(sm, policy.demotion().idleDecision(idle))) {
          moved++;
        }
      }
      t.demoted += moved;
      budget -= batch.size();
      if (moved == 0 || batch.isEmpty()) {
        return;
      }
    }
  }

  private void demoteOverCapacity(Tally t) {
    long capacity = policy.demotion().capacity();
    long held = hot.count();
    long over = held - capacity;
    int budget = policy.maxMovesPerSweep();
    while (over > 0 && budget > 0) {
      int want = (int) Math.min(Math.min(over, batch()), budget);
      List<StoredMemory> batch = hot.oldestAccessed(Long.MAX_VALUE, want);
      int moved = 0;
      for (StoredMemory sm : batch) {
        if (mover.demote(sm, policy.demotion().capacityDecision(held))) {
          moved++;
        }
      }
      t.demoted += moved;
      over -= moved;
      budget -= batch.size();
      if (moved == 0) {
        return;
      }
    }
  }

  /**
   * Archives idle WARM memories a batch at a time ({@link Mover#archiveAll}: a few round trips per
   * batch, not per memory). A memory read recently through HOT stays, and WARM learns the HOT
   * access (at least the cutoff, so this sweep does not list it again). Stops when a batch makes no
   * progress (nothing archived or kept for HOT), so candidates that keep changing under the sweep
   * cannot spin it.
   */
  private void archiveIdle(Tally t, long now) {
    long cutoff = now - policy.archive().idle().toMillis();
    int budget = policy.maxMovesPerSweep();
    while (budget > 0) {
      List<StoredMemory> batch = warm.oldestAccessed(cutoff, Math.min(batch(), budget));
      if (batch.isEmpty()) {
        return;
      }
      Mover.ArchiveBatch done =
          mover.archiveAll(
              batch,
              sm -> policy.archive().decision(Duration.ofMillis(now - sm.lastAccessMillis())),
              cutoff);
      for (StoredMemory sm : done.archived()) {
        readWindows.forget(sm.key());
      }
      t.archived += done.archived().size();
      budget -= batch.size();
      if (done.progress() == 0) {
        return;
      }
    }
  }
}
