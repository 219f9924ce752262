package io.tieredmemory.testkit.history;

import static io.tieredmemory.testkit.history.Histories.history;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tieredmemory.testkit.history.CheckResult.Verdict;
import io.tieredmemory.testkit.history.LinearizabilityChecker.Budget;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Classic register histories, each small enough to check by hand. */
class LinearizabilityCheckerTest {
  private static final LinearizabilityChecker CHECKER = LinearizabilityChecker.withDefaults();

  private static CheckResult check(Histories h) {
    return CHECKER.check(h.build());
  }

  private static void assertLinearizable(Histories h) {
    CheckResult result = check(h);
    assertThat(result.verdict()).as(result.describe(0)).isEqualTo(Verdict.LINEARIZABLE);
  }

  private static void assertViolation(Histories h) {
    CheckResult result = check(h);
    assertThat(result.verdict()).as(result.describe(0)).isEqualTo(Verdict.VIOLATION);
  }

  @Nested
  @DisplayName("linearizable histories")
  class Linearizable {
    @Test
    void check_emptyHistory_isLinearizable() {
      CheckResult result = CHECKER.check(History.of(List.of()));
      assertThat(result.ok()).isTrue();
      assertThat(result.keys()).isZero();
    }

    @Test
    void check_getBeforeAnyPut_readsAbsent() {
      assertLinearizable(history().get("p0", null, 0, 1));
    }

    @Test
    void check_sequentialPutGetDelete_isLinearizable() {
      assertLinearizable(
          history()
              .put("p0", "a", 0, 1)
              .get("p1", "a", 2, 3)
              .delete("p0", true, 4, 5)
              .get("p1", null, 6, 7)
              .delete("p1", false, 8, 9));
    }

    @Test
    void check_readConcurrentWithPut_mayReadOldOrNew() {
      assertLinearizable(history().put("p0", "a", 0, 1).put("p0", "b", 2, 10).get("p1", "a", 3, 4));
      assertLinearizable(history().put("p0", "a", 0, 1).put("p0", "b", 2, 10).get("p1", "b", 3, 4));
    }

    @Test
    void check_concurrentPutsThenReads_eitherOrderIsFine() {
      for (String last : List.of("a", "b")) {
        assertLinearizable(
            history()
                .put("p0", "a", 0, 10)
                .put("p1", "b", 1, 11)
                .get("p2", last, 12, 13)
                .get("p0", last, 14, 15));
      }
    }

    @Test
    void check_readsDuringConcurrentPuts_seeBothOrders() {
      // p2 sees a then b, p3 sees b only: fine if a took effect before b and p3 read late.
      assertLinearizable(
          history()
              .put("p0", "a", 0, 10)
              .put("p1", "b", 0, 10)
              .get("p2", "a", 1, 2)
              .get("p2", "b", 3, 4)
              .get("p3", "b", 5, 6));
    }

    @Test
    void check_completionAndInvocationAtOneInstant_countAsConcurrent() {
      // Equal instants give no order, so the get may still come before the put.
      assertLinearizable(history().put("p0", "a", 0, 5).get("p1", null, 5, 6));
    }
  }

  @Nested
  @DisplayName("violations")
  class Violations {
    @Test
    void check_staleReadAfterAcknowledgedWrite_isViolation() {
      assertViolation(history().put("p0", "a", 0, 1).put("p0", "b", 2, 3).get("p1", "a", 4, 5));
    }

    @Test
    void check_readOfDeletedValueAfterDeleteCompleted_isViolation() {
      assertViolation(history().put("p0", "a", 0, 1).delete("p0", true, 2, 3).get("p1", "a", 4, 5));
    }

    @Test
    void check_readOfValueNobodyWrote_isViolation() {
      assertViolation(history().put("p0", "a", 0, 1).get("p1", "z", 2, 3));
    }

    @Test
    void check_missForAcknowledgedValueNeverDeleted_isViolation() {
      assertViolation(history().put("p0", "a", 0, 1).get("p1", null, 2, 3));
    }

    @Test
    void check_newThenOldRead_isViolation() {
      // Once p1 has seen b, a later read cannot go back to a.
      assertViolation(
          history()
              .put("p0", "a", 0, 1)
              .put("p0", "b", 2, 20)
              .get("p1", "b", 3, 4)
              .get("p2", "a", 5, 6));
    }

    @Test
    void check_deleteSaysExistedOnAbsentKey_isViolation() {
      assertViolation(history().delete("p0", true, 0, 1));
    }

    @Test
    void check_deleteSaysNotExistedAfterPut_isViolation() {
      assertViolation(history().put("p0", "a", 0, 1).delete("p1", false, 2, 3));
    }

    @Test
    void check_twoDeletesBothFindingTheValue_isViolation() {
      assertViolation(
          history().put("p0", "a", 0, 1).delete("p1", true, 2, 10).delete("p2", true, 3, 11));
    }
  }

  @Nested
  @DisplayName("failed and unfinished operations")
  class Indeterminate {
    @Test
    void check_failedPutNeverObserved_isLinearizable() {
      assertLinearizable(history().failedPut("p0", "x", 0, 1).get("p1", null, 5, 6));
    }

    @Test
    void check_failedPutObservedLater_isLinearizable() {
      assertLinearizable(history().failedPut("p0", "x", 0, 1).get("p1", "x", 5, 6));
    }

    @Test
    void check_pendingPutObservedLongAfter_isLinearizable() {
      assertLinearizable(
          history()
              .put("p1", "a", 0, 1)
              .pendingPut("p0", "x", 2)
              .get("p1", "a", 50, 51)
              .get("p1", "x", 100, 101));
    }

    @Test
    void check_failedPutObservedThenUnobserved_isViolation() {
      assertViolation(
          history().failedPut("p0", "x", 0, 1).get("p1", "x", 2, 3).get("p1", null, 4, 5));
    }

    @Test
    void check_failedPutObservedBeforeItsInvocation_isViolation() {
      assertViolation(history().get("p1", "x", 0, 1).failedPut("p0", "x", 2, 3));
    }

    @Test
    void check_failedDelete_mayHaveHappenedOrNot() {
      assertLinearizable(failedDelete().get("p1", "a", 4, 5));
      assertLinearizable(failedDelete().get("p1", null, 4, 5));
      assertLinearizable(failedDelete().get("p1", "a", 4, 5).get("p1", null, 6, 7));
      assertViolation(failedDelete().get("p1", null, 4, 5).get("p1", "a", 6, 7));
    }

    private Histories failedDelete() {
      return history().put("p0", "a", 0, 1).failedDelete("p0", 2, 3);
    }

    @Test
    void check_failedGet_isIgnored() {
      assertLinearizable(history().put("p0", "a", 0, 1).failedGet("p1", 2, 3));
    }

    @Test
    void check_onlyIndeterminateOps_isLinearizable() {
      assertLinearizable(history().failedPut("p0", "x", 0, 1).pendingPut("p1", "y", 0));
    }
  }

  @Nested
  @DisplayName("keys are checked one by one")
  class PerKey {
    @Test
    void check_keysAreIndependentRegisters() {
      assertLinearizable(history().key("k1").put("p0", "a", 0, 1).key("k2").get("p1", null, 2, 3));
    }

    @Test
    void check_violationOnSecondKey_namesThatKey() {
      CheckResult result =
          check(
              history()
                  .key("k1")
                  .put("p0", "a", 0, 1)
                  .get("p1", "a", 2, 3)
                  .key("k2")
                  .put("p0", "b", 4, 5)
                  .get("p1", null, 6, 7));
      assertThat(result.verdict()).isEqualTo(Verdict.VIOLATION);
      assertThat(result.key()).contains("k2");
      assertThat(result.keysChecked()).isEqualTo(2);
      assertThat(result.keyHistory().ops()).allMatch(op -> op.key().equals("k2"));
    }
  }

  @Nested
  @DisplayName("budget")
  class BudgetLimits {
    /** 24 concurrent puts and a read of a value nobody wrote: proving that visits 2^24 sets. */
    private History pathological() {
      Histories h = history();
      for (int i = 0; i < 24; i++) {
        h.put("p" + i, "v" + i, 0, 100);
      }
      return h.get("p0", "nobody", 200, 201).build();
    }

    @Test
    void check_stepsRunOut_isUnknownNotViolation() {
      CheckResult result =
          LinearizabilityChecker.withBudget(new Budget(Duration.ofMinutes(1), 10_000))
              .check(pathological());
      assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
      assertThat(result.ok()).isFalse();
      assertThat(result.key()).contains("k");
      assertThat(result.describe(7)).startsWith("Unknown").contains("seed 7");
    }

    @Test
    void check_timeRunsOut_stopsSoon() {
      CheckResult result =
          LinearizabilityChecker.withBudget(new Budget(Duration.ofMillis(50), Long.MAX_VALUE))
              .check(pathological());
      assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
      // 50 ms of budget; the bound only has to tell "stopped" from "ran to the end" (minutes).
      assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void check_unknownKeyThenViolation_reportsTheViolation() {
      History both =
          History.merge(
              List.of(
                  pathological(),
                  history().key("later").put("p0", "a", 0, 1).get("p1", null, 2, 3).build()));
      CheckResult result =
          LinearizabilityChecker.withBudget(new Budget(Duration.ofMinutes(1), 10_000)).check(both);
      assertThat(result.verdict()).isEqualTo(Verdict.VIOLATION);
      assertThat(result.key()).contains("later");
    }

    @Test
    void budget_notPositive_isRefusedNamingTheField() {
      assertThatThrownBy(() -> new Budget(Duration.ZERO, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("time");
      assertThatThrownBy(() -> new Budget(Duration.ofSeconds(1), 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("stepsPerKey must be positive, was 0");
    }
  }
}
