package io.tieredmemory.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.SweepPlan;
import io.tieredmemory.core.SweepResult;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.testkit.FaultyTierStore;
import io.tieredmemory.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code tiered.memory.plan.pending}: each sweep sets it, per reason, to what it found due when it
 * planned, which is what {@code plan()} says at that instant and what the sweep then moves; it
 * falls as sweeps catch up with a backlog larger than one sweep's budget, and grows while archives
 * fail.
 */
class PlanPendingMetricsTest {
  private static final List<MoveReason> PLANNED =
      List.of(
          MoveReason.HOT_IDLE,
          MoveReason.HOT_CAPACITY,
          MoveReason.WARM_IDLE,
          MoveReason.STALE_COPY);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ManualClock clock = new ManualClock();
  private final FaultyTierStore cold = new FaultyTierStore(InProcessTiers.cold(Embedder.hashing()));
  private TieredMemory store;

  private TieredMemory store(int maxMovesPerSweep) {
    store =
        TieredMemory.builder("backlog")
            // the test tiers say they are remote: make each read's move before it returns,
            // so what the test checks next does not race a background move
            .readMoves(ReadMoves.CALLER)
            .discoverObservers(false)
            .disableScheduledSweeps()
            .clock(clock)
            .cold(cold)
            .policy(
                TieringPolicy.custom()
                    .neverPromote()
                    .demoteWhenIdle(Duration.ofMinutes(10))
                    .archiveWhenIdle(Duration.ofHours(1))
                    .sweepBatchSize(4)
                    .maxMovesPerSweep(maxMovesPerSweep)
                    .build())
            .observer(TieredMemoryMetrics.of(registry))
            .build();
    return store;
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  private double pending(MoveReason reason) {
    return registry
        .get("tiered.memory.plan.pending")
        .tags("store", "backlog", "reason", reason.label())
        .gauge()
        .value();
  }

  /** One sweep at the clock's instant, checked against the plan taken just before it. */
  private SweepResult sweepMatchingThePlan() {
    SweepPlan plan = store.plan(1_000);
    SweepResult result = store.sweep();
    for (MoveReason r : PLANNED) {
      assertThat(pending(r)).as("gauge of %s after the sweep", r).isEqualTo(plan.total(r));
    }
    assertThat(result.demoted())
        .as("demoted by the sweep")
        .isEqualTo(plan.total(MoveReason.HOT_IDLE) + plan.total(MoveReason.HOT_CAPACITY));
    assertThat(result.archived())
        .as("archived by the sweep")
        .isEqualTo(plan.total(MoveReason.WARM_IDLE));
    return result;
  }

  @Test
  void gauge_isUnknownUntilASweepPlans_thenWhatPlanSaid_andWhatTheSweepMoved() {
    TieredMemory s = store(1_000);
    for (MoveReason r : PLANNED) {
      assertThat(pending(r)).as("before any sweep: %s", r).isNaN();
    }
    for (int i = 0; i < 7; i++) {
      s.put("fact-" + i, "fact " + i);
    }
    s.sweep(); // nothing idle yet
    for (MoveReason r : PLANNED) {
      assertThat(pending(r)).as("nothing due: %s", r).isZero();
    }

    clock.advance(Duration.ofMinutes(20));
    s.put("fresh", "fresh fact");
    SweepResult demoting = sweepMatchingThePlan();
    assertThat(demoting.demoted()).isEqualTo(7);
    assertThat(pending(MoveReason.HOT_IDLE)).isEqualTo(7);
    assertThat(pending(MoveReason.WARM_IDLE)).isZero();

    clock.advance(Duration.ofHours(2));
    SweepResult archiving = sweepMatchingThePlan();
    assertThat(archiving.archived()).isEqualTo(8);
    assertThat(pending(MoveReason.HOT_IDLE)).isEqualTo(1); // "fresh" left HOT in this sweep
    assertThat(pending(MoveReason.WARM_IDLE)).isEqualTo(8);
    assertThat(
            registry
                .get("tiered.memory.movements")
                .tags("reason", MoveReason.WARM_IDLE.label())
                .counter()
                .count())
        .as("the archives the sweep counted")
        .isEqualTo(8);

    sweepMatchingThePlan(); // caught up, same instant
    for (MoveReason r : PLANNED) {
      assertThat(pending(r)).as("caught up: %s", r).isZero();
    }
  }

  @Test
  void gauge_fallsAsSweepsCatchUpWithABacklogLargerThanTheirBudget() {
    TieredMemory s = store(10);
    for (int i = 0; i < 25; i++) {
      s.put("fact-" + i, "fact " + i);
    }
    clock.advance(Duration.ofMinutes(20));
    List<Double> demotions = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      sweepMatchingThePlan(); // the clock stands still: only the backlog changes
      demotions.add(pending(MoveReason.HOT_IDLE));
    }
    assertThat(demotions).containsExactly(10.0, 10.0, 5.0, 0.0);

    clock.advance(Duration.ofHours(2));
    List<Double> archives = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      sweepMatchingThePlan();
      archives.add(pending(MoveReason.WARM_IDLE));
    }
    assertThat(archives).containsExactly(10.0, 10.0, 5.0, 0.0);
    assertThat(s.tier(io.tieredmemory.core.Tier.COLD).count()).isEqualTo(25);
  }

  @Test
  void archiveBacklog_growsWhileArchivesFail_andFallsOnceColdIsBack() {
    TieredMemory s = store(1_000);
    cold.failing().set(true);
    List<Double> due = new ArrayList<>();
    for (int round = 0; round < 4; round++) {
      for (int i = 0; i < 3; i++) {
        s.put("fact-" + round + "-" + i, "fact " + round + " " + i);
      }
      clock.advance(Duration.ofHours(2)); // past any back-off of the failed archive step
      SweepResult r = s.sweep();
      assertThat(r.archived()).isZero();
      assertThat(r.succeeded()).isFalse();
      due.add(pending(MoveReason.WARM_IDLE));
    }
    assertThat(due).as("found due, sweep after sweep").containsExactly(3.0, 6.0, 9.0, 12.0);

    cold.failing().set(false);
    for (int i = 0; i < 3; i++) {
      s.put("after-" + i, "after " + i);
    }
    clock.advance(Duration.ofHours(2));
    SweepResult recovered = sweepMatchingThePlan();
    assertThat(recovered.archived()).isEqualTo(15);
    assertThat(pending(MoveReason.WARM_IDLE)).isEqualTo(15);

    s.put("steady", "steady");
    clock.advance(Duration.ofHours(2));
    sweepMatchingThePlan();
    assertThat(pending(MoveReason.WARM_IDLE)).as("back to what arrives per sweep").isEqualTo(1);
  }
}
