package io.tieredmemory.testkit.history;

import io.tieredmemory.testkit.history.RegisterSearch.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks that a history of puts, gets and deletes is linearizable: that there is one order of all
 * operations, consistent with real time (an op that returned before another was invoked comes
 * first), in which every get returns the last value put (or absent after a delete or at the start)
 * and every delete says whether a value was there.
 *
 * <p>Keys are independent registers and linearizability is compositional, so each key's history is
 * checked on its own (Herlihy and Wing): the whole history is linearizable iff every key's is. Keys
 * are checked in the order of their first invocation and the first violation is shrunk to a small
 * counterexample; see {@link CheckResult#describe(long)}.
 *
 * <pre>{@code
 * CheckResult result = LinearizabilityChecker.withDefaults().check(recorder.history());
 * assertThat(result.ok()).as(result.describe(seed)).isTrue();
 * }</pre>
 *
 * <p>An op that threw, or whose process died before it returned, may have taken effect at any
 * instant after its invocation or never; a get that threw is ignored. The search is exponential in
 * the worst case, so it runs within a {@link Budget}; running out gives {@link
 * CheckResult.Verdict#UNKNOWN}, never a false verdict. Typical cost: a key of 200 ops from 8
 * overlapping processes checks in about a millisecond, one of 20,000 in about 100 ms.
 */
public final class LinearizabilityChecker {
  private final Budget budget;

  /**
   * How long a check may run and how many search steps (one call or return entry visited) one key
   * may take; the time covers the whole check, the steps also bound the memory of the search (about
   * 150 bytes a step at most).
   *
   * <pre>{@code
   * LinearizabilityChecker.withBudget(new Budget(Duration.ofSeconds(5), 1_000_000));
   * }</pre>
   *
   * @param time for the whole check, shrinking included; positive
   * @param stepsPerKey for the search of one key (and of each candidate while shrinking); positive
   */
  public record Budget(Duration time, long stepsPerKey) {
    /** Checks both limits are positive. */
    public Budget {
      Objects.requireNonNull(time, "time");
      if (time.isNegative() || time.isZero()) {
        throw new IllegalArgumentException("time must be positive, was " + time);
      }
      if (stepsPerKey <= 0) {
        throw new IllegalArgumentException("stepsPerKey must be positive, was " + stepsPerKey);
      }
    }

    /**
     * The time in nanoseconds, capped at about 146 years so that a deadline computed by adding it
     * to {@link System#nanoTime()} compares correctly even when it wraps.
     */
    long nanos() {
      return time.compareTo(Duration.ofNanos(1L << 62)) > 0 ? 1L << 62 : time.toNanos();
    }

    /** 30 seconds, and 2,000,000 steps a key (a few hundred MB of cache at most). */
    public static Budget ofDefaults() {
      return new Budget(Duration.ofSeconds(30), 2_000_000);
    }
  }

  private LinearizabilityChecker(Budget budget) {
    this.budget = Objects.requireNonNull(budget, "budget");
  }

  /** A checker with {@link Budget#ofDefaults()}. */
  public static LinearizabilityChecker withDefaults() {
    return new LinearizabilityChecker(Budget.ofDefaults());
  }

  /** A checker that stops at {@code budget}. */
  public static LinearizabilityChecker withBudget(Budget budget) {
    return new LinearizabilityChecker(budget);
  }

  /** This checker's budget. */
  public Budget budget() {
    return budget;
  }

  /**
   * Checks every key of {@code history} (its searches are ignored: see {@link SearchCheck}). Stops
   * at the first key with a violation; a key whose search ran out of steps is reported as unknown
   * only if no later key has a violation.
   */
  public CheckResult check(History history) {
    long start = System.nanoTime();
    long deadline = start + budget.nanos();
    Map<String, List<Op>> byKey = history.byKey();
    int keysChecked = 0;
    int opsChecked = 0;
    long steps = 0;
    Optional<String> unknownKey = Optional.empty();
    Outcome unknown = null;
    for (Map.Entry<String, List<Op>> key : byKey.entrySet()) {
      Allowance allowance = new Allowance(deadline, budget.stepsPerKey());
      Outcome outcome = RegisterSearch.check(key.getValue(), allowance);
      steps += allowance.spent();
      keysChecked++;
      opsChecked += key.getValue().size();
      switch (outcome.verdict()) {
        case VIOLATION -> {
          Shrinker.Shrunk shrunk =
              Shrinker.shrink(key.getValue(), outcome, deadline, budget.stepsPerKey());
          return new CheckResult(
              CheckResult.Verdict.VIOLATION,
              Optional.of(key.getKey()),
              History.of(key.getValue()),
              History.of(shrunk.ops()),
              shrunk.outcome().longestPrefix(),
              keysChecked,
              byKey.size(),
              opsChecked,
              steps,
              Duration.ofNanos(System.nanoTime() - start));
        }
        case UNKNOWN -> {
          if (unknownKey.isEmpty()) {
            unknownKey = Optional.of(key.getKey());
            unknown = outcome;
          }
        }
        case LINEARIZABLE -> {}
      }
      if (allowance.timedOut()) {
        break;
      }
    }
    History undecided = unknownKey.map(history::forKey).orElse(History.of(List.of()));
    return new CheckResult(
        unknownKey.isPresent() ? CheckResult.Verdict.UNKNOWN : CheckResult.Verdict.LINEARIZABLE,
        unknownKey,
        undecided,
        undecided,
        unknown == null ? List.of() : unknown.longestPrefix(),
        keysChecked,
        byKey.size(),
        opsChecked,
        steps,
        Duration.ofNanos(System.nanoTime() - start));
  }
}
