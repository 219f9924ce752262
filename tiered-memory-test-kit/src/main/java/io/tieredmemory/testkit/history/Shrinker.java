package io.tieredmemory.testkit.history;

import io.tieredmemory.testkit.history.RegisterSearch.Outcome;
import io.tieredmemory.testkit.history.RegisterSearch.Verdict;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Shrinks a non-linearizable key history to a small counterexample by removing gets while the
 * history stays non-linearizable: all but the gets the search got stuck on first, then halves of
 * the gets left, quarters, down to single gets, so a violation that needs two reads out of a
 * hundred costs a few checks, not a hundred.
 *
 * <p>Removing a get is sound: a linearization of a history is still one after dropping a read
 * (reads do not change the register), so if the smaller history has none, the original had none
 * either. The same argument shows the result is 1-minimal: a get that could not be removed once
 * never can be after more are gone. Puts and deletes are never removed: the reads and deletes after
 * them depend on the state they leave, so dropping one can <em>create</em> a violation (a read of a
 * value nobody wrote now, a delete that found nothing), and the shrunk history would then blame the
 * store for something the original did not show.
 */
final class Shrinker {
  private Shrinker() {}

  /** The smaller history and the search outcome that proves it non-linearizable. */
  record Shrunk(List<Op> ops, Outcome outcome) {}

  /**
   * Shrinks {@code ops}, known to be non-linearizable with {@code outcome}, until {@code deadline}
   * at most; every check may take {@code steps}. Stops early with what it has when time runs out:
   * each step kept was a violation, so any intermediate result is a valid counterexample.
   */
  static Shrunk shrink(List<Op> ops, Outcome outcome, long deadline, long steps) {
    // A get that threw is ignored by the search, so it goes first and for free.
    List<Op> current =
        new ArrayList<>(
            ops.stream().filter(op -> op.kind() != OpKind.GET || op.determinate()).toList());
    List<Op> gets =
        new ArrayList<>(current.stream().filter(op -> op.kind() == OpKind.GET).toList());
    Outcome proof = outcome;
    // Most violations are witnessed by the gets that do not fit where the search got stuck: try
    // keeping only those first, which usually leaves a handful of gets after one check.
    StuckPoint stuck = StuckPoint.of(current, outcome.longestPrefix());
    Set<Op> suspects = new HashSet<>();
    stuck.next().stream()
        .filter(op -> op.kind() == OpKind.GET && !stuck.fits(op))
        .forEach(suspects::add);
    if (!suspects.isEmpty() && suspects.size() < gets.size()) {
      List<Op> candidate = new ArrayList<>(current);
      candidate.removeIf(op -> op.kind() == OpKind.GET && !suspects.contains(op));
      Outcome attempt = RegisterSearch.check(candidate, new Allowance(deadline, steps));
      if (attempt.verdict() == Verdict.VIOLATION) {
        current = candidate;
        gets.retainAll(suspects);
        proof = attempt;
      }
    }
    int chunk = Math.max(1, gets.size() / 2);
    while (!gets.isEmpty()) {
      int i = 0;
      while (i < gets.size()) {
        Allowance allowance = new Allowance(deadline, steps);
        if (allowance.timedOut()) {
          return new Shrunk(current, proof);
        }
        Set<Op> drop = new HashSet<>(gets.subList(i, Math.min(i + chunk, gets.size())));
        List<Op> candidate = new ArrayList<>(current);
        candidate.removeAll(drop);
        Outcome attempt = RegisterSearch.check(candidate, allowance);
        if (attempt.verdict() == Verdict.VIOLATION) {
          current = candidate;
          gets.removeAll(drop);
          proof = attempt;
        } else {
          i += chunk;
        }
      }
      if (chunk == 1) {
        break;
      }
      chunk = Math.max(1, chunk / 2);
    }
    return new Shrunk(current, proof);
  }
}
