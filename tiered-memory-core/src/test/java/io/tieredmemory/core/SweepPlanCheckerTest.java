package io.tieredmemory.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.ForwardingTierStore;
import io.tieredmemory.core.spi.TierObserver;
import io.tieredmemory.core.spi.TierStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The plan's promise, checked over many seeded random workloads on the in-process tiers with a
 * manual clock: {@code plan(big limit)} lists exactly the moves the following {@code sweep()} makes
 * (same keys, versions, tiers, reasons and details, in the same order), its totals count them and
 * the HOT copies the sweep drops, and the plan itself moves nothing and tells no observer.
 * Workloads mix puts, reads that promote, deletes, clock steps (zero steps too, for ties in last
 * access), HOT over capacity, tiny batches and budgets, HOT outages that leave copies noted as
 * possibly stale, and WARM failures that make sweep steps back off. What each sweep reports to
 * {@link TierObserver#sweepPlanned} (the plan backlog gauge) is the plan's total for each step it
 * planned, and nothing for a step it skipped; a reason is in {@link SweepPlan#budgetReached()}
 * exactly when its step used the whole {@code maxMovesPerSweep}.
 */
class SweepPlanCheckerTest {

  static final int SEEDS = 400;
  private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

  /** What the checker saw over all seeds, to show it checked something. */
  static final class Seen {
    int checks;
    int moves;
    int idle;
    int capacity;
    int archives;
    int staleCopies;
    int keptInHot;
    int skippedSteps;
    int budgetReached;
  }

  @Test
  void planPredictsTheNextSweepExactly_overManySeededWorkloads() {
    Seen seen = new Seen();
    for (long seed = 1; seed <= SEEDS; seed++) {
      runSeed(seed, seen);
    }
    // Every rule was exercised, many times.
    assertThat(seen.checks).isGreaterThan(SEEDS * 10);
    assertThat(seen.idle).isGreaterThan(1_000);
    assertThat(seen.capacity).isGreaterThan(1_000);
    assertThat(seen.archives).isGreaterThan(1_000);
    assertThat(seen.staleCopies).isGreaterThan(50);
    assertThat(seen.keptInHot).isGreaterThan(50);
    assertThat(seen.skippedSteps).isGreaterThan(50);
    assertThat(seen.budgetReached).isGreaterThan(100);
    System.out.printf(
        "plan checker: %d seeds, %d plan/sweep pairs, %d moves (%d idle, %d capacity, %d"
            + " archive), %d stale copies, %d kept in hot, %d skipped steps, %d budgets reached%n",
        SEEDS,
        seen.checks,
        seen.moves,
        seen.idle,
        seen.capacity,
        seen.archives,
        seen.staleCopies,
        seen.keptInHot,
        seen.skippedSteps,
        seen.budgetReached);
  }

  /** A tier whose calls fail while {@code down} is set for the named method (or all, "*"). */
  static final class Switchable extends ForwardingTierStore {
    volatile String down = "";

    Switchable(TierStore delegate) {
      super(delegate);
    }

    @Override
    protected <T> T forward(String method, Supplier<T> call) {
      if (down.equals("*") || down.equals(method)) {
        throw new IllegalStateException("injected: " + method + " down");
      }
      return call.get();
    }
  }

  private static void runSeed(long seed, Seen seen) {
    Random r = new Random(seed);
    MutableClock clock = new MutableClock(T0);
    Duration hotIdle = Duration.ofMinutes(1 + r.nextInt(10));
    TieringPolicy policy =
        TieringPolicy.custom()
            .promoteAfter(1 + r.nextInt(3), Duration.ofMinutes(5 + r.nextInt(20)))
            .demoteWhenIdle(hotIdle)
            .hotCapacity(1 + r.nextInt(12))
            .archiveWhenIdle(hotIdle.multipliedBy(1 + r.nextInt(4)))
            .sweepBatchSize(1 + r.nextInt(r.nextBoolean() ? 3 : 40))
            .maxMovesPerSweep(1 + r.nextInt(r.nextBoolean() ? 5 : 60))
            .build();
    List<TierEvent> events = new ArrayList<>();
    Switchable hot = new Switchable(InProcessTiers.hot());
    Switchable warm = new Switchable(InProcessTiers.warm(Embedder.hashing()));
    int keys = 10 + r.nextInt(60);
    Map<MoveReason, Integer> reported = new EnumMap<>(MoveReason.class);
    TierObserver planned =
        new TierObserver() {
          @Override
          public void sweepPlanned(MoveReason reason, int moves) {
            assertThat(reported.put(reason, moves))
                .as("seed %d: %s reported twice", seed, reason)
                .isNull();
          }
        };
    try (TieredMemory store =
        TieredMemory.builder("plan-" + seed)
            .discoverObservers(false)
            .disableScheduledSweeps()
            .clock(clock)
            .policy(policy)
            .hot(hot)
            .warm(warm)
            .observer(TierObserver.events(events::add))
            .observer(planned)
            .build()) {
      int steps = 40 + r.nextInt(80);
      for (int step = 0; step < steps; step++) {
        int ops = r.nextInt(12);
        boolean hotOutage = r.nextInt(15) == 0;
        if (hotOutage) {
          hot.down = "remove"; // puts cannot remove HOT's old copy: WARM notes it as stale
        }
        for (int i = 0; i < ops; i++) {
          String key = "k" + r.nextInt(keys);
          int op = r.nextInt(10);
          if (op < 4) {
            store.put(key, "v" + step + "." + i);
          } else if (op < 9) {
            store.get(key);
          } else {
            try {
              store.delete(key);
            } catch (TieredMemoryException e) {
              // HOT down during a delete with the in-process coordinator goes on; nothing to do
            }
          }
          if (r.nextInt(4) == 0) {
            clock.advance(Duration.ofMillis(r.nextInt(3) == 0 ? 0 : r.nextInt(120_000)));
          }
        }
        hot.down = "";
        clock.advance(Duration.ofMillis(r.nextInt(4) == 0 ? 0 : r.nextInt(10 * 60_000)));
        if (r.nextInt(12) == 0) {
          // A sweep while WARM's index fails: its steps back off, and the next plan must say so.
          warm.down = "oldestAccessed";
          reported.clear();
          store.sweep();
          warm.down = "";
          clock.advance(Duration.ofMillis(r.nextInt(3_000)));
          continue;
        }
        if (r.nextInt(3) == 0) {
          check(store, events, reported, policy.maxMovesPerSweep(), seed, step, seen);
        }
      }
      check(store, events, reported, policy.maxMovesPerSweep(), seed, -1, seen);
    }
  }

  /** The sweep's step for each reason it reports planned, by the name a plan lists it skipped. */
  private static final Map<MoveReason, String> STEPS =
      Map.of(
          MoveReason.STALE_COPY, "drop stale hot copies",
          MoveReason.HOT_IDLE, "demote idle",
          MoveReason.HOT_CAPACITY, "demote over capacity",
          MoveReason.WARM_IDLE, "archive idle");

  private static void check(
      TieredMemory store,
      List<TierEvent> events,
      Map<MoveReason, Integer> reported,
      int budget,
      long seed,
      int step,
      Seen seen) {
    String where = "seed " + seed + " step " + step;
    events.clear();
    SweepPlan plan = store.plan(Integer.MAX_VALUE);
    SweepPlan again = store.plan(Integer.MAX_VALUE);
    assertThat(events).as(where + ": a plan tells no observer").isEmpty();
    assertThat(again.moves()).as(where + ": a plan changes nothing").isEqualTo(plan.moves());
    assertThat(again.totals()).as(where).isEqualTo(plan.totals());

    reported.clear();
    SweepResult result = store.sweep();
    List<PlannedMove> made = new ArrayList<>();
    int hotDropped = 0;
    for (TierEvent e : events) {
      if (e instanceof TierEvent.Moved m) {
        made.add(new PlannedMove(m.key(), m.version(), m.from(), m.to(), m.reason(), m.detail()));
      } else if (e instanceof TierEvent.Evicted ev && ev.tier() == Tier.HOT) {
        hotDropped++;
      }
    }
    assertThat(plan.moves()).as(where + ": planned vs made").isEqualTo(made);
    assertThat(plan.complete()).as(where).isEqualTo(plan.skippedSteps().isEmpty());
    assertThat(plan.total(MoveReason.STALE_COPY))
        .as(where + ": stale copies")
        .isEqualTo(hotDropped);
    assertThat(plan.total(MoveReason.HOT_IDLE) + plan.total(MoveReason.HOT_CAPACITY))
        .as(where)
        .isEqualTo(result.demoted());
    assertThat(plan.total(MoveReason.WARM_IDLE)).as(where).isEqualTo(result.archived());
    assertThat(plan.skippedSteps().size()).as(where + ": skipped steps").isEqualTo(result.failed());
    assertThat(plan.totalMoves()).isEqualTo(plan.moves().size());
    assertThat(plan.truncated()).isFalse();
    assertThat(plan.totals().values())
        .as(where + ": a reason with nothing to do is absent")
        .allMatch(n -> n > 0);

    // What the sweep told observers it set out to do (the plan gauge): the plan's totals, for each
    // step it planned; a step it skipped is not reported.
    Map<MoveReason, Integer> expected = new EnumMap<>(MoveReason.class);
    STEPS.forEach(
        (reason, name) -> {
          if (!plan.skippedSteps().contains(name)) {
            expected.put(reason, plan.total(reason));
          }
        });
    assertThat(reported).as(where + ": sweepPlanned vs plan").isEqualTo(expected);

    // A step's candidates (moves, plus HOT copies it drops or keeps) are at most the budget; a
    // reason whose moves alone fill it has reached it, and one that reached it had that many items.
    for (MoveReason reason :
        List.of(MoveReason.HOT_IDLE, MoveReason.HOT_CAPACITY, MoveReason.WARM_IDLE)) {
      if (plan.total(reason) >= budget) {
        assertThat(plan.budgetReached())
            .as(where + ": %s moves %d of %d", reason, plan.total(reason), budget)
            .contains(reason);
      }
      if (plan.budgetReached().contains(reason)) {
        assertThat(plan.total(reason) + plan.total(MoveReason.STALE_COPY) + plan.keptInHot())
            .as(where + ": %s reached its budget", reason)
            .isGreaterThanOrEqualTo(budget);
      }
    }

    // A small limit lists a prefix, with the same totals.
    if (plan.totalMoves() > 1) {
      // (re-planned after the sweep: only the shape is compared here)
      SweepPlan next = store.plan(1);
      assertThat(next.moves()).hasSizeLessThanOrEqualTo(1);
      assertThat(next.truncated()).isEqualTo(next.totalMoves() > 1);
    }
    seen.checks++;
    seen.moves += made.size();
    seen.idle += plan.total(MoveReason.HOT_IDLE);
    seen.capacity += plan.total(MoveReason.HOT_CAPACITY);
    seen.archives += plan.total(MoveReason.WARM_IDLE);
    seen.staleCopies += plan.total(MoveReason.STALE_COPY);
    seen.keptInHot += plan.keptInHot();
    seen.skippedSteps += plan.skippedSteps().size();
    seen.budgetReached += plan.budgetReached().size();
  }
}
