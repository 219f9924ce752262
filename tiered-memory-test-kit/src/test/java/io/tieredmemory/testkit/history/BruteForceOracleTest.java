package io.tieredmemory.testkit.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.testkit.history.CheckResult.Verdict;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The checker against a search with no memoization and no pruning (it tries every op real-time
 * order allows at every step), on thousands of tiny random histories with arbitrary outputs: ties,
 * repeated values, failed and pending ops included. Seeded: a failure names its seed.
 */
class BruteForceOracleTest {
  private static final String[] VALUES = {"a", "b", "c"};

  @Test
  void check_agreesWithBruteForce_onRandomTinyHistories() {
    int violations = 0;
    for (long s = 0; s < 4_000; s++) {
      long seed = s;
      List<Op> ops = randomHistory(new Random(seed));
      boolean expected = linearizable(ops);
      CheckResult result = LinearizabilityChecker.withDefaults().check(History.of(ops));
      assertThat(result.verdict())
          .as(() -> "seed " + seed + "\n" + result.describe(seed))
          .isEqualTo(expected ? Verdict.LINEARIZABLE : Verdict.VIOLATION);
      if (!expected) {
        violations++;
        assertThat(linearizable(result.counterexample().ops()))
            .as("seed %d: the counterexample must be a violation itself", seed)
            .isFalse();
        for (Op get : result.counterexample().ops()) {
          if (get.kind() == OpKind.GET) {
            List<Op> fewer = new ArrayList<>(result.counterexample().ops());
            fewer.remove(get);
            assertThat(linearizable(fewer))
                .as("seed %d: every get left in the counterexample is needed", seed)
                .isTrue();
          }
        }
      }
    }
    // Both verdicts must be well represented for the comparison to mean anything.
    assertThat(violations).isBetween(800, 3_200);
  }

  @Test
  void check_agreesWithBruteForce_onSimulatedHistoriesWithCorruptedReads() {
    int violations = 0;
    for (long s = 0; s < 300; s++) {
      long seed = s;
      Random random = new Random(seed);
      List<Op> ops = new ArrayList<>(new RegisterSimulator(seed, 4, 0.1).run("k", 40));
      // Change a few reads to values of other puts, or to absent: some stay linearizable.
      for (int c = random.nextInt(3); c > 0; c--) {
        int i = random.nextInt(ops.size());
        Op get = ops.get(i);
        if (get.kind() == OpKind.GET && get.determinate()) {
          Op put = ops.get(random.nextInt(ops.size()));
          Optional<String> read =
              put.kind() == OpKind.PUT ? Optional.of(put.value()) : Optional.empty();
          ops.set(
              i, Op.get(get.id(), get.process(), "k", read, get.invokedAt(), get.completedAt()));
        }
      }
      boolean expected = linearizable(ops);
      CheckResult result = LinearizabilityChecker.withDefaults().check(History.of(ops));
      assertThat(result.verdict())
          .as(() -> "seed " + seed + "\n" + result.describe(seed))
          .isEqualTo(expected ? Verdict.LINEARIZABLE : Verdict.VIOLATION);
      violations += expected ? 0 : 1;
    }
    assertThat(violations).isBetween(60, 240);
  }

  private static List<Op> randomHistory(Random random) {
    int count = 2 + random.nextInt(7);
    int processes = 1 + random.nextInt(3);
    long[] free = new long[processes];
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int p = random.nextInt(processes);
      long invoked = free[p] + random.nextInt(3);
      long completed = invoked + random.nextInt(4);
      free[p] = completed + random.nextInt(2); // sometimes equal instants: concurrent
      String process = "p" + p;
      String value = VALUES[random.nextInt(VALUES.length)];
      OpKind kind = OpKind.values()[random.nextInt(3)];
      int fate = random.nextInt(10);
      if (fate == 0) {
        ops.add(
            Op.failed(
                i, process, "k", kind, kind == OpKind.PUT ? value : null, invoked, completed));
      } else if (fate == 1) {
        ops.add(Op.pending(i, process, "k", kind, kind == OpKind.PUT ? value : null, invoked));
        free[p] = Long.MAX_VALUE / 2; // a process that died does nothing more
      } else {
        ops.add(
            switch (kind) {
              case PUT -> Op.put(i, process, "k", value, invoked, completed);
              case GET ->
                  Op.get(
                      i,
                      process,
                      "k",
                      random.nextInt(4) == 0 ? Optional.empty() : Optional.of(value),
                      invoked,
                      completed);
              case DELETE -> Op.delete(i, process, "k", random.nextBoolean(), invoked, completed);
            });
      }
    }
    ops.removeIf(op -> op.invokedAt() >= Long.MAX_VALUE / 2);
    return ops;
  }

  /** Whether {@code ops} can be linearized. */
  private static boolean linearizable(List<Op> ops) {
    List<Op> open = ops.stream().filter(op -> op.kind() != OpKind.GET || op.determinate()).toList();
    return linearizable(open, new BitSet(), null, new HashSet<>());
  }

  private record Failed(BitSet done, String state) {}

  /**
   * Whether the ops not in {@code done} can be linearized from register {@code state}: try every op
   * that no other op left completed before, that fits; indeterminate ops may also never happen.
   * {@code failed} remembers configurations known to fail, so medium histories stay cheap.
   */
  private static boolean linearizable(List<Op> ops, BitSet done, String state, Set<Failed> failed) {
    boolean finished = true;
    for (int i = done.nextClearBit(0); i < ops.size(); i = done.nextClearBit(i + 1)) {
      finished &= !ops.get(i).determinate();
    }
    if (finished) {
      return true;
    }
    if (failed.contains(new Failed(done, state))) {
      return false;
    }
    for (int i = done.nextClearBit(0); i < ops.size(); i = done.nextClearBit(i + 1)) {
      Op op = ops.get(i);
      boolean minimal = true;
      for (int j = done.nextClearBit(0); j < ops.size(); j = done.nextClearBit(j + 1)) {
        Op other = ops.get(j);
        minimal &= j == i || !other.determinate() || other.completedAt() >= op.invokedAt();
      }
      if (!minimal) {
        continue;
      }
      String after;
      if (op.kind() == OpKind.PUT) {
        after = op.value();
      } else if (op.kind() == OpKind.DELETE) {
        if (op.determinate() && op.existed() != (state != null)) {
          continue;
        }
        after = null;
      } else {
        if (!Objects.equals(op.value(), state)) {
          continue;
        }
        after = state;
      }
      done.set(i);
      boolean found = linearizable(ops, done, after, failed);
      done.clear(i);
      if (found) {
        return true;
      }
    }
    failed.add(new Failed((BitSet) done.clone(), state));
    return false;
  }
}
