package io.tieredmemory.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.PlannedMove;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.SweepPlan;
import io.tieredmemory.core.SweepResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.TierObserver;
import io.tieredmemory.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The plan on the real tiers (HOT Redis, WARM PostgreSQL, COLD Chroma): over seeded random
 * workloads on a manual clock, {@code plan(big limit)} lists exactly the moves the next {@code
 * sweep()} makes, in order, and the plan itself moves nothing and tells no observer.
 */
class PlanIT {
  private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

  @Test
  void planPredictsTheNextSweep_onTheRealTiers() throws Exception {
    int checks = 0;
    int moves = 0;
    int[] byReason = new int[MoveReason.values().length];
    for (long seed = 1; seed <= 6; seed++) {
      Random r = new Random(seed);
      ManualClock clock = new ManualClock(T0);
      Duration hotIdle = Duration.ofMinutes(1 + r.nextInt(10));
      TieringPolicy policy =
          TieringPolicy.custom()
              .promoteAfter(1 + r.nextInt(3), Duration.ofMinutes(10))
              .demoteWhenIdle(hotIdle)
              .hotCapacity(2 + r.nextInt(8))
              .archiveWhenIdle(hotIdle.multipliedBy(1 + r.nextInt(3)))
              .sweepBatchSize(1 + r.nextInt(6))
              .maxMovesPerSweep(2 + r.nextInt(15))
              .build();
      List<TierEvent> events = new CopyOnWriteArrayList<>();
      try (RealTiers tiers = new RealTiers("plan" + seed);
          TieredMemory store =
              TieredMemory.builder("plan-it-" + seed)
                  // the plan is compared with what the next step made: moves reads cause are made
                  // before get returns
                  .readMoves(ReadMoves.CALLER)
                  .discoverObservers(false)
                  .disableScheduledSweeps()
                  .clock(clock)
                  .policy(policy)
                  .hot(tiers.hot())
                  .warm(tiers.warm())
                  .cold(tiers.cold())
                  .embedder(tiers.embedder)
                  .observer(TierObserver.events(events::add))
                  .build()) {
        int keys = 12 + r.nextInt(20);
        for (int step = 0; step < 14; step++) {
          for (int i = 0, n = r.nextInt(10); i < n; i++) {
            String key = "k" + r.nextInt(keys);
            int op = r.nextInt(10);
            if (op < 5) {
              store.put(key, "content " + step + "." + i);
            } else if (op < 9) {
              store.get(key);
            } else {
              store.delete(key);
            }
            if (r.nextInt(4) == 0) {
              clock.advance(Duration.ofMillis(r.nextInt(3) == 0 ? 0 : r.nextInt(120_000)));
            }
          }
          clock.advance(Duration.ofMillis(r.nextInt(8 * 60_000)));
          String where = "seed " + seed + " step " + step;
          events.clear();
          SweepPlan plan = store.plan(Integer.MAX_VALUE);
          assertThat(store.plan(Integer.MAX_VALUE).moves()).as(where).isEqualTo(plan.moves());
          assertThat(events).as(where + ": a plan tells no observer").isEmpty();
          long hotBefore = store.tier(Tier.HOT).count();
          assertThat(store.tier(Tier.HOT).count()).isEqualTo(hotBefore);

          SweepResult result = store.sweep();
          List<PlannedMove> made = new ArrayList<>();
          for (TierEvent e : events) {
            if (e instanceof TierEvent.Moved m) {
              made.add(
                  new PlannedMove(m.key(), m.version(), m.from(), m.to(), m.reason(), m.detail()));
            }
          }
          assertThat(plan.moves()).as(where + ": planned vs made").isEqualTo(made);
          assertThat(plan.total(MoveReason.WARM_IDLE)).as(where).isEqualTo(result.archived());
          assertThat(plan.total(MoveReason.HOT_IDLE) + plan.total(MoveReason.HOT_CAPACITY))
              .as(where)
              .isEqualTo(result.demoted());
          assertThat(plan.complete()).as(where).isTrue();
          assertThat(result.failed()).as(where).isZero();
          checks++;
          moves += made.size();
          for (PlannedMove m : made) {
            byReason[m.reason().ordinal()]++;
          }
        }
      }
    }
    assertThat(byReason[MoveReason.HOT_IDLE.ordinal()]).isPositive();
    assertThat(byReason[MoveReason.HOT_CAPACITY.ordinal()]).isPositive();
    assertThat(byReason[MoveReason.WARM_IDLE.ordinal()]).isPositive();
    System.out.printf(
        "plan on the real tiers: %d plan/sweep pairs, %d moves (%d idle, %d capacity, %d"
            + " archive)%n",
        checks,
        moves,
        byReason[MoveReason.HOT_IDLE.ordinal()],
        byReason[MoveReason.HOT_CAPACITY.ordinal()],
        byReason[MoveReason.WARM_IDLE.ordinal()]);
  }
}
