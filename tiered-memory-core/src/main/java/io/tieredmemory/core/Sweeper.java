package io.tieredmemory.core;

import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.policy.Decision;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.StoredMemory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One sweep: flush buffered access statistics, remove HOT copies noted as possibly stale, remove
 * COLD copies WARM does not point to (left by puts and deletes of archived memories and by
 * interrupted moves), demote idle then over-capacity HOT memories, archive idle WARM memories. The
 * moves are planned first by {@link SweepPlanner} (the same code {@link #plan} runs, so a plan is
 * exactly what the next sweep does), then made under the keys' locks, each move re-checking what it
 * finds. Candidates come from each tier's last-access index, so the cost follows the number of
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
  private final HistoryRecorder history;
  private static final long BASE_BACKOFF_MILLIS = 1_000L;
  private static final long MAX_BACKOFF_MILLIS = 300_000L;

  private static final String DROP_STALE_HOT = "drop stale hot copies";
  private static final String RECONCILE_COLD = "drop cold copies warm does not point to";
  private static final String DEMOTE_IDLE = "demote idle";
  private static final String DEMOTE_CAPACITY = "demote over capacity";
  private static final String ARCHIVE_IDLE = "archive idle";
  private static final String PRUNE_HISTORY = "prune history";

  /** The most journal notes a plan reads of each kind; more make the plan incomplete. */
  static final int NOTES_READ = 100_000;

  private final SweepPlanner planner;
  private final SweepPlanner.Tiers live;
  private final SweepPlanner.Tiers quiet;

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
      Signals signals,
      HistoryRecorder history) {
    this.store = store;
    this.clock = clock;
    this.policy = policy;
    this.hot = hot;
    this.warm = warm;
    this.cold = cold;
    this.mover = mover;
    this.readWindows = readWindows;
    this.signals = signals;
    this.history = history;
    this.planner = new SweepPlanner(policy);
    this.live =
        new SweepPlanner.Tiers() {
          @Override
          public List<StoredMemory> hotOldest(long beforeMillis, int limit) {
            return hot.oldestAccessed(beforeMillis, limit);
          }

          @Override
          public long hotCount() {
            return hot.count();
          }

          @Override
          public Map<String, StoredMemory> hotPeekAll(Collection<String> keys) {
            return hot.peekAll(keys);
          }

          @Override
          public List<StoredMemory> warmOldest(long beforeMillis, int limit) {
            return warm.oldestAccessed(beforeMillis, limit);
          }

          @Override
          public Map<String, StoredMemory> warmPeekAll(Collection<String> keys) {
            return warm.peekAll(keys);
          }

          @Override
          public Map<String, Long> notes(Tier about, int limit) {
            return warm.notes(about, limit);
          }
        };
    this.quiet =
        new SweepPlanner.Tiers() {
          @Override
          public List<StoredMemory> hotOldest(long beforeMillis, int limit) {
            return hot.store.oldestAccessed(beforeMillis, limit);
          }

          @Override
          public long hotCount() {
            return hot.store.count();
          }

          @Override
          public Map<String, StoredMemory> hotPeekAll(Collection<String> keys) {
            return hot.store.peekAll(keys);
          }

          @Override
          public List<StoredMemory> warmOldest(long beforeMillis, int limit) {
            return warm.store.oldestAccessed(beforeMillis, limit);
          }

          @Override
          public Map<String, StoredMemory> warmPeekAll(Collection<String> keys) {
            return warm.store.peekAll(keys);
          }

          @Override
          public Map<String, Long> notes(Tier about, int limit) {
            return warm.store.journal().orElseThrow().notes(about, limit);
          }
        };
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
      // The moves are planned first, from the state a plan() at this instant sees (before the
      // steps that remove stale copies run), then made under the keys' locks, each move
      // re-checking what it finds.
      Planned p =
          planAll(live, now, (name, body) -> due(t, name) && attempt(t, name, body, false), false);
      reportPlanned(p);
      if (p.drain) {
        attempt(t, DROP_STALE_HOT, () -> trustHot(t), true);
      }
      if (p.reconcile) {
        attempt(t, RECONCILE_COLD, () -> t.reconciled += mover.reconcileCold(batch()), true);
      }
      readWindows.prune(now);
      SweepPlanner.Step idle = p.idle;
      SweepPlanner.Step capacity = p.capacity;
      SweepPlanner.Step archive = p.archive;
      if (idle != null) {
        attempt(t, DEMOTE_IDLE, () -> demote(t, idle), true);
      }
      if (capacity != null) {
        attempt(t, DEMOTE_CAPACITY, () -> demote(t, capacity), true);
      }
      if (archive != null) {
        attempt(t, ARCHIVE_IDLE, () -> archive(t, archive, planner.archiveCutoff(now)), true);
      }
      if (history.enabled()) {
        step(t, PRUNE_HISTORY, history::prune);
      }
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
   * What the next sweep would do now, without doing any of it: the sweep's own planning (the same
   * code, from the same state), with the steps before the moves (removing HOT copies noted as
   * possibly stale, reconciling COLD) simulated rather than run. Reads the tiers directly, not
   * through their handles: no backend call is reported to observers, no failure either (a step that
   * fails while planned is listed as skipped). Buffered access statistics are flushed first, as a
   * sweep does, so the plan reads the last-access index the sweep would read.
   */
  SweepPlan plan(int limit) {
    oneAtATime.lock();
    try {
      return planLocked(limit);
    } finally {
      oneAtATime.unlock();
    }
  }

  private SweepPlan planLocked(int limit) {
    Instant at = clock.instant();
    long now = at.toEpochMilli();
    List<String> skipped = new ArrayList<>();
    for (TierHandle h : List.of(hot, warm, cold)) {
      String name = "flush " + h.tier.label();
      if (backingOff(name, now)) {
        skipped.add(name); // the sweep would not flush either
        continue;
      }
      try {
        h.store.flush();
      } catch (RuntimeException e) {
        skipped.add(name);
      }
    }
    Planned p =
        planAll(
            quiet,
            now,
            (name, body) -> {
              if (backingOff(name, now)) {
                skipped.add(name);
                return false;
              }
              try {
                body.run();
                return true;
              } catch (RuntimeException e) {
                skipped.add(name);
                return false;
              }
            },
            true);
    boolean complete = p.notesComplete;
    for (String name : skipped) {
      complete &= name.startsWith("flush ");
    }
    Counted c = count(p, limit);
    return new SweepPlan(
        at, limit, c.moves, c.totals, c.keptInHot, p.coldNotes, c.budgetReached, skipped, complete);
  }

  /** A planned sweep counted: its moves by reason, the first of them listed, what HOT keeps. */
  private static final class Counted {
    final Map<MoveReason, Integer> totals = new EnumMap<>(MoveReason.class);
    final Set<MoveReason> budgetReached = EnumSet.noneOf(MoveReason.class);
    final List<PlannedMove> moves;
    int keptInHot;

    Counted(int limit) {
      moves = new ArrayList<>(Math.min(limit, 1024));
    }

    int total(MoveReason reason) {
      return totals.getOrDefault(reason, 0);
    }
  }

  /**
   * Counts a planned sweep: every move by reason (what {@link SweepPlan#totals()} says, and what
   * the sweep reports to {@link io.tieredmemory.core.spi.TierObserver#sweepPlanned}), the first
   * {@code limit} moves listed. Shared by {@link #plan} and {@link #sweep()}, so both count alike.
   */
  private static Counted count(Planned p, int limit) {
    Counted c = new Counted(limit);
    if (p.staleHot > 0) {
      c.totals.put(MoveReason.STALE_COPY, p.staleHot);
    }
    SweepPlanner.@Nullable Step[] steps = {p.idle, p.capacity, p.archive};
    MoveReason[] reasons = {MoveReason.HOT_IDLE, MoveReason.HOT_CAPACITY, MoveReason.WARM_IDLE};
    for (int i = 0; i < 3; i++) {
      SweepPlanner.Step step = steps[i];
      if (step == null) {
        continue;
      }
      Tier from = i < 2 ? Tier.HOT : Tier.WARM;
      Tier to = i < 2 ? Tier.WARM : Tier.COLD;
      if (step.budgetUsed) {
        c.budgetReached.add(reasons[i]);
      }
      for (List<SweepPlanner.Item> batch : step.batches) {
        for (SweepPlanner.Item item : batch) {
          switch (item.outcome()) {
            case KEEP -> c.keptInHot++;
            case DROP -> c.totals.merge(MoveReason.STALE_COPY, 1, Integer::sum);
            case MOVE -> {
              c.totals.merge(item.decision().reason(), 1, Integer::sum);
              if (c.moves.size() < limit) {
                StoredMemory sm = item.candidate();
                c.moves.add(
                    new PlannedMove(
                        sm.key(),
                        sm.version(),
                        from,
                        to,
                        item.decision().reason(),
                        item.decision().detail()));
              }
            }
          }
        }
      }
    }
    return c;
  }

  /**
   * Tells observers what a sweep found due, per reason whose step it planned: the totals a {@link
   * #plan} at this instant gives (the plan gauge of the metrics binding).
   */
  private void reportPlanned(Planned p) {
    Counted c = count(p, 0);
    if (p.drain) {
      signals.sweepPlanned(MoveReason.STALE_COPY, c.total(MoveReason.STALE_COPY));
    }
    if (p.idle != null) {
      signals.sweepPlanned(MoveReason.HOT_IDLE, c.total(MoveReason.HOT_IDLE));
    }
    if (p.capacity != null) {
      signals.sweepPlanned(MoveReason.HOT_CAPACITY, c.total(MoveReason.HOT_CAPACITY));
    }
    if (p.archive != null) {
      signals.sweepPlanned(MoveReason.WARM_IDLE, c.total(MoveReason.WARM_IDLE));
    }
  }

  /** Runs one step of planning if the step is due; false if it is not or it failed. */
  private interface Runner {
    boolean run(String name, Runnable body);
  }

  /** A sweep's plan: which steps run, and the moves of each (null: skipped or failed). */
  private static final class Planned {
    boolean drain;
    boolean reconcile;
    int staleHot;
    int coldNotes;
    boolean notesComplete = true;
    SweepPlanner.@Nullable Step idle;
    SweepPlanner.@Nullable Step capacity;
    SweepPlanner.@Nullable Step archive;
  }

  /**
   * Plans a sweep from the tiers' current state: the HOT copies noted as possibly stale that the
   * first step removes, then the three steps of moves, each reading the tiers through what the
   * steps before it will have changed. Shared by {@link #sweep()} and {@link #plan}.
   */
  private Planned planAll(SweepPlanner.Tiers tiers, long now, Runner runner, boolean countCold) {
    Planned p = new Planned();
    SweepPlanner.Overlay overlay = new SweepPlanner.Overlay();
    p.drain =
        runner.run(
            DROP_STALE_HOT,
            () -> {
              Map<String, Long> notes = tiers.notes(Tier.HOT, NOTES_READ);
              p.notesComplete &= notes.size() < NOTES_READ;
              if (!notes.isEmpty()) {
                Map<String, StoredMemory> present = tiers.hotPeekAll(notes.keySet());
                overlay.hotGone.addAll(present.keySet());
                p.staleHot = present.size();
              }
            });
    p.reconcile =
        runner.run(
            RECONCILE_COLD,
            () -> {
              if (countCold) {
                p.coldNotes = tiers.notes(Tier.COLD, NOTES_READ).size();
                p.notesComplete &= p.coldNotes < NOTES_READ;
              }
            });
    runner.run(DEMOTE_IDLE, () -> p.idle = planner.demoteIdle(tiers, overlay, now));
    runner.run(DEMOTE_CAPACITY, () -> p.capacity = planner.demoteOverCapacity(tiers, overlay));
    runner.run(ARCHIVE_IDLE, () -> p.archive = planner.archiveIdle(tiers, overlay, now));
    return p;
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
    if (due(t, name)) {
      attempt(t, name, body, true);
    }
  }

  /** Whether a step may run now; a step backing off counts as failed. */
  private boolean due(Tally t, String name) {
    if (backingOff(name, clock.millis())) {
      t.failed++;
      return false;
    }
    return true;
  }

  private boolean backingOff(String name, long now) {
    Backoff b = backoffs.get(name);
    return b != null && now < b.notBefore;
  }

  /**
   * Runs a step's body; a failure is counted and starts (or lengthens) the step's back-off. A
   * success ends the back-off when {@code done} (the step's moves were made, not only planned).
   *
   * @return whether the body succeeded
   */
  private boolean attempt(Tally t, String name, Runnable body, boolean done) {
    Backoff b = backoffs.computeIfAbsent(name, n -> new Backoff());
    try {
      body.run();
      if (done) {
        b.failures = 0;
        b.notBefore = 0;
      }
      return true;
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
      return false;
    }
  }

  /** Consecutive failures of one step and when it may run again; guarded by oneAtATime. */
  private static final class Backoff {
    int failures;
    long notBefore;
    long delay;
  }

  /**
   * Demotes each candidate of a planned step. A HOT copy of a memory WARM lacks is dropped instead,
   * and counted with the stale copies the sweep reconciled.
   */
  private void demote(Tally t, SweepPlanner.Step step) {
    for (List<SweepPlanner.Item> batch : step.batches) {
      for (SweepPlanner.Item item : batch) {
        switch (mover.demote(item.candidate(), item.decision())) {
          case DEMOTED -> t.demoted++;
          case DROPPED -> t.reconciled++;
          case UNCHANGED -> {}
        }
      }
    }
  }

  /**
   * Archives a planned step's batches ({@link Mover#archiveAll}: a few round trips per batch, not
   * per memory). A memory read recently through HOT stays, and WARM learns the HOT access (at least
   * the cutoff).
   */
  private void archive(Tally t, SweepPlanner.Step step, long cutoff) {
    for (List<SweepPlanner.Item> batch : step.batches) {
      List<StoredMemory> candidates = new ArrayList<>(batch.size());
      Map<String, Decision> decisions = new HashMap<>();
      for (SweepPlanner.Item item : batch) {
        candidates.add(item.candidate());
        decisions.put(item.candidate().key(), item.decision());
      }
      Mover.ArchiveBatch done =
          mover.archiveAll(
              candidates, sm -> Objects.requireNonNull(decisions.get(sm.key())), cutoff);
      for (StoredMemory sm : done.archived()) {
        readWindows.forget(sm.key());
      }
      t.archived += done.archived().size();
    }
  }
}
