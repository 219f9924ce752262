package io.tieredmemory.testkit.history;

import static io.tieredmemory.testkit.history.Histories.history;
import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.testkit.history.CheckResult.Verdict;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The shrunk counterexample and the report built from it. */
class CounterexampleTest {
  private static final LinearizabilityChecker CHECKER = LinearizabilityChecker.withDefaults();

  /** A stale read hidden among reads that are all fine. */
  private static History staleReadAmongNoise() {
    Histories h = history().put("p0", "a", 0, 10).put("p0", "b", 20, 30);
    for (int i = 0; i < 10; i++) {
      h.get("p1", "a", 11 + i % 5, 12 + i % 5).get("p2", "b", 31 + i, 32 + i);
    }
    return h.get("p3", "a", 45, 46).get("p1", "b", 50, 60).build();
  }

  @Test
  void shrink_staleReadAmongNoise_keepsOnlyThatReadAndTheWrites() {
    CheckResult result = CHECKER.check(staleReadAmongNoise());

    assertThat(result.verdict()).isEqualTo(Verdict.VIOLATION);
    assertThat(result.keyHistory().ops()).hasSize(24);
    assertThat(result.counterexample().ops())
        .extracting(Op::describe)
        .containsExactly("put(\"a\")", "put(\"b\")", "get() -> \"a\"");
    assertThat(result.counterexample().ops().get(2).process()).isEqualTo("p3");
  }

  @Test
  void shrink_failedGets_areDropped() {
    CheckResult result =
        CHECKER.check(
            history().put("p0", "a", 0, 1).failedGet("p1", 0, 5).get("p2", null, 2, 3).build());

    assertThat(result.counterexample().ops())
        .extracting(Op::kind)
        .containsExactly(OpKind.PUT, OpKind.GET);
  }

  @Test
  void shrink_neverRemovesWrites() {
    // The delete is needed by nothing but must stay: removing writes could invent a violation.
    CheckResult result =
        CHECKER.check(
            history()
                .put("p0", "a", 0, 1)
                .delete("p0", true, 2, 3)
                .put("p0", "b", 4, 5)
                .get("p1", "a", 6, 7)
                .get("p1", "b", 8, 9)
                .build());

    assertThat(result.counterexample().ops())
        .extracting(Op::describe)
        .containsExactly("put(\"a\")", "delete() -> true", "put(\"b\")", "get() -> \"a\"");
  }

  @Test
  void describe_violation_showsTimelineAndWhyNothingFits() {
    String report = CHECKER.check(staleReadAmongNoise()).describe(42);

    assertThat(report)
        .startsWith("Linearizability violation on key \"k\": 1 of 1 keys checked, 24 ops")
        .contains("(seed 42)")
        .contains("The 24 ops on \"k\" have no linearization.")
        .contains("process  op id  invoke  complete  call")
        .contains("  A  p0       1      0       1         put(\"a\")")
        .contains("  p3 |        [C]")
        .contains("The longest prefix the search could linearize is A put(\"a\"), B put(\"b\").")
        .contains("C get() -> \"a\": does not fit, the register holds \"b\"");
  }

  @Test
  void describe_violationWithoutGets_saysNothingCouldBeRemoved() {
    String report = CHECKER.check(history().delete("p0", true, 0, 1).build()).describe(1);

    assertThat(report)
        .contains("No get could be removed")
        .contains("No op can be linearized first.")
        .contains("A delete() -> true: does not fit, the register holds absent");
  }

  @Test
  void describe_indeterminateOps_drawnOpenEnded() {
    String report =
        CHECKER
            .check(
                history()
                    .failedPut("p0", "x", 0, 1)
                    .get("p1", "x", 2, 3)
                    .get("p1", null, 4, 5)
                    .build())
            .describe(3);

    assertThat(report).contains("put(\"x\") failed").contains("p0 |[A--------->");
  }

  @Test
  void describe_longCounterexample_showsTheWindowWhereTheSearchGotStuck() {
    List<Op> ops = new RegisterSimulator(6, 8, 0.02).run("k", 200);
    List<Op> stale = RegisterSimulator.withStaleRead(ops, new Random(6)).orElseThrow();
    Op staleGet = stale.stream().filter(op -> !ops.contains(op)).findFirst().orElseThrow();

    String report = CHECKER.check(History.of(stale)).describe(6);

    assertThat(report)
        .contains("(40 of them, around where the search got stuck; all are in counterexample())")
        .contains(staleGet.describe() + ": does not fit, the register holds")
        .contains("that value was put by")
        .doesNotContain("(no picture");
  }

  @Test
  void describe_linearizable_isOneLine() {
    String report = CHECKER.check(history().put("p0", "a", 0, 1).build()).describe(5);

    assertThat(report)
        .startsWith("Linearizable: 1 of 1 keys checked, 1 ops")
        .endsWith("(seed 5)\n");
  }
}
