package io.tieredmemory.testkit.history;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link LinearizabilityChecker#check} found: linearizable, a violation on one key with a
 * shrunk counterexample, or unknown when the budget ran out first.
 *
 * <pre>{@code
 * CheckResult result = checker.check(history);
 * if (!result.ok()) {
 *   System.err.println(result.describe(seed)); // the seed replays the run
 * }
 * }</pre>
 *
 * @param verdict linearizable, violation or unknown
 * @param key the key with the violation, or whose check ran out of budget; empty when linearizable
 * @param keyHistory every op on that key; empty when linearizable
 * @param counterexample for a violation, the ops on the key left after removing every get the
 *     violation did not need; for unknown, the whole key history; empty when linearizable
 * @param longestPrefix the longest sequence of counterexample ops the search could linearize, which
 *     shows where it got stuck
 * @param keysChecked how many keys were checked, the failing one included
 * @param keys how many keys the history has
 * @param opsChecked how many ops the checked keys have
 * @param steps search steps taken (entries visited), shrinking not included
 * @param elapsed time taken, shrinking included
 */
public record CheckResult(
    Verdict verdict,
    Optional<String> key,
    History keyHistory,
    History counterexample,
    List<Op> longestPrefix,
    int keysChecked,
    int keys,
    int opsChecked,
    long steps,
    Duration elapsed) {

  /** The three answers a budgeted check can give. */
  public enum Verdict {
    /** Every key's history has a linearization. */
    LINEARIZABLE,
    /** One key's history has none: the store broke its contract (or the history is wrong). */
    VIOLATION,
    /** The budget ran out on a key before its search finished: nothing is known about it. */
    UNKNOWN
  }

  /** Checks that the fields agree with the verdict. */
  public CheckResult {
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(keyHistory, "keyHistory");
    Objects.requireNonNull(counterexample, "counterexample");
    longestPrefix = List.copyOf(longestPrefix);
    Objects.requireNonNull(elapsed, "elapsed");
    if (key.isPresent() == (verdict == Verdict.LINEARIZABLE)) {
      throw new IllegalArgumentException(
          "key must be present exactly when the verdict is not LINEARIZABLE, was " + key);
    }
  }

  /** Whether the history is linearizable (an unknown verdict is not ok). */
  public boolean ok() {
    return verdict == Verdict.LINEARIZABLE;
  }

  /**
   * The full report: the verdict, counts, and for a violation the counterexample as a table and an
   * ASCII timeline, with where the search got stuck and why. {@code seed} is quoted so the run can
   * be replayed.
   */
  public String describe(long seed) {
    return Report.describe(this, seed);
  }

  /** The first line of {@link #describe(long)}, without the seed. */
  @Override
  public String toString() {
    return Report.headline(this);
  }
}
