package io.tieredmemory.testkit.interleavings;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.testkit.history.CheckResult;
import io.tieredmemory.testkit.history.LinearizabilityChecker;
import io.tieredmemory.testkit.history.SearchCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The store's promise, checked over thousands of seeded executions rather than a few hand-picked
 * ones: one or two instances over the same in-process tiers, workers putting, reading, deleting and
 * searching a few keys while every instance sweeps, faults injected at tier calls, every
 * interleaving chosen by a seeded scheduler ({@link Scheduler}). Each key's history must be
 * linearizable (a register), searches must never be stale, and after settling sweeps the tiers must
 * hold nothing WARM does not point to.
 *
 * <p>{@code -Dtm.interleavings.histories=N} sets how many executions run (default 2,000), {@code
 * -Dtm.interleavings.seed=S} replays one: a failure prints its seed and the smallest failing
 * history.
 */
class InterleavingsTest {
  private static final int OPERATIONS = 120;

  @Test
  void everyExecution_isLinearizablePerKey_andSettlesClean() throws Exception {
    String replay = System.getProperty("tm.interleavings.seed");
    if (replay != null) {
      check(Long.parseLong(replay));
      return;
    }
    int histories = Integer.getInteger("tm.interleavings.histories", 2_000);
    long base = Long.getLong("tm.interleavings.base", 20261206L);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Map<String, Long> totals = new ConcurrentHashMap<>();
    try {
      List<Future<Execution.Outcome>> runs = new ArrayList<>();
      for (int i = 0; i < histories; i++) {
        long seed = base * 1_000_003L + i;
        runs.add(pool.submit(() -> check(seed)));
      }
      for (Future<Execution.Outcome> f : runs) {
        Execution.Outcome out = f.get(5, TimeUnit.MINUTES);
        totals.merge("histories", 1L, Long::sum);
        totals.merge("operations", (long) out.history().ops().size(), Long::sum);
        totals.merge("failed operations", (long) out.failures(), Long::sum);
        totals.merge("scheduling steps", out.steps(), Long::sum);
        totals.merge("two instances", out.config().instances() == 2 ? 1L : 0L, Long::sum);
        totals.merge(
            "moves off the reading thread", out.config().backgroundMoves() ? 1L : 0L, Long::sum);
        out.recorded().snapshot().forEach((k, v) -> totals.merge(k, v, Long::sum));
      }
    } finally {
      pool.shutdownNow();
    }
    System.out.println("[interleavings] " + new TreeMap<>(totals));
    // The executions did what they are for: every kind of move, under faults, on both setups.
    assertThat(totals.get("operations")).isGreaterThanOrEqualTo((long) histories * 100);
    assertThat(totals.get("two instances")).isBetween(histories / 2L, histories - 1L);
    // Both ways of making the moves reads cause: on the reading thread, and by a worker of their
    // own (as ReadMoves.BACKGROUND does), interleaved with everything else.
    assertThat(totals.get("moves off the reading thread")).isBetween(1L, histories - 1L);
    assertThat(totals.get("failed operations")).isPositive();
    for (String move :
        List.of(
            "move warm->hot read_frequency",
            "move hot->warm hot_idle",
            "move hot->warm hot_capacity",
            "move warm->cold warm_idle",
            "move cold->warm cold_read",
            "evicted cold stale_copy",
            "evicted hot stale_copy")) {
      assertThat(totals.getOrDefault(move, 0L)).as("%s in %s", move, totals).isGreaterThan(100);
    }
  }

  /** Runs and checks one seed. */
  private static Execution.Outcome check(long seed) throws Exception {
    Execution.Config config = Execution.Config.forSeed(seed, OPERATIONS);
    Execution.Outcome out;
    try {
      out = Execution.run(seed, config);
    } catch (Throwable t) {
      throw new AssertionError("seed " + seed + " (" + config + ") failed to run: " + t, t);
    }
    CheckResult result = LinearizabilityChecker.withDefaults().check(out.history());
    assertThat(result.ok())
        .as(
            "seed %d, %s:%n%s%nreplay: -Dtm.interleavings.seed=%d",
            seed, config, result.describe(seed), seed)
        .isTrue();
    SearchCheck.Result searches = SearchCheck.check(out.history());
    assertThat(searches.ok())
        .as("seed %d, %s:%n%s", seed, config, searches.describe(seed))
        .isTrue();
    assertThat(out.invariantViolations()).as("seed %d, %s: after settling", seed, config).isEmpty();
    return out;
  }
}
