package io.tieredmemory.testkit.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.testkit.history.CheckResult.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random histories of a simulated atomic register (8 processes, heavy overlap) are linearizable by
 * construction and must check in few search steps; the same histories with one stale read must be
 * caught, and the counterexample must keep that read and no other. Seeds are fixed, so a failure
 * replays. Cost is bounded in search steps, which do not depend on the machine's load; the times
 * are printed for the notes, never asserted.
 */
class CheckerPerformanceTest {
  private static final int PROCESSES = 8;
  private static final int OPS_PER_KEY = 200;
  private static final int SEEDS = 40;

  /** Far above what any of these seeds needs (tens of thousands), far below the default budget. */
  private static final long STEP_LIMIT = 500_000;

  @Test
  void check_randomAtomicRegisterHistories_areLinearizableAndFast() {
    measure("200 ops, no failures", OPS_PER_KEY, 0.0);
  }

  @Test
  void check_randomHistoriesWithFailedOps_areLinearizableAndFast() {
    measure("200 ops, 5% failed", OPS_PER_KEY, 0.05);
  }

  @Test
  void check_longerHistories_stayFast() {
    measure("1000 ops, 2% failed", 1_000, 0.02);
  }

  @Test
  void check_oneInjectedStaleRead_isCaughtAndShrunkToIt() {
    List<Long> micros = new ArrayList<>();
    int injected = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      List<Op> ops = new RegisterSimulator(seed, PROCESSES, 0.02).run("k", OPS_PER_KEY);
      Optional<List<Op>> stale = RegisterSimulator.withStaleRead(ops, new Random(seed));
      if (stale.isEmpty()) {
        continue;
      }
      injected++;
      Op staleGet = stale.get().stream().filter(op -> !ops.contains(op)).findFirst().orElseThrow();
      CheckResult result = LinearizabilityChecker.withDefaults().check(History.of(stale.get()));
      micros.add(result.elapsed().toNanos() / 1_000);
      assertThat(result.verdict()).as("seed %d", seed).isEqualTo(Verdict.VIOLATION);
      assertThat(result.counterexample().ops())
          .as(result.describe(seed))
          .filteredOn(op -> op.kind() == OpKind.GET)
          .containsExactly(staleGet);
      assertThat(result.steps()).as(result.describe(seed)).isLessThan(STEP_LIMIT);
    }
    assertThat(injected).isGreaterThan(SEEDS / 2);
    report("200 ops, one stale read, check and shrink", micros);
  }

  private static void measure(String name, int opsPerKey, double failures) {
    List<Long> micros = new ArrayList<>();
    for (long seed = 1; seed <= SEEDS; seed++) {
      List<Op> ops = new RegisterSimulator(seed, PROCESSES, failures).run("k", opsPerKey);
      CheckResult result = LinearizabilityChecker.withDefaults().check(History.of(ops));
      assertThat(result.verdict()).as(result.describe(seed)).isEqualTo(Verdict.LINEARIZABLE);
      assertThat(result.steps()).as("seed %d", seed).isLessThan(STEP_LIMIT);
      micros.add(result.elapsed().toNanos() / 1_000);
    }
    report(name, micros);
  }

  private static void report(String name, List<Long> micros) {
    List<Long> sorted = micros.stream().sorted().toList();
    // The numbers quoted in the package's notes come from this line.
    System.out.printf(
        "%s: %d histories, median %d us, max %d us%n",
        name, sorted.size(), sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1));
  }
}
