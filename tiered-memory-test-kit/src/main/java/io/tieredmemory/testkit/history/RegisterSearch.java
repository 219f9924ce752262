package io.tieredmemory.testkit.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides whether one key's history is linearizable for a register (absent, or one value): Wing and
 * Gong's search with Lowe's memoization.
 *
 * <p>The history becomes a doubly linked list of call and return entries in instant order (calls
 * before returns at equal instants, so ties count as concurrent). The search walks the list: at a
 * call it tries to linearize that op next, which is allowed because no return precedes it in the
 * list; if the register allows it and the configuration (set of linearized ops, register state) was
 * never reached before, it lifts the op's entries out of the list and starts again from the head.
 * Reaching a return means the op it closes had to be linearized by now: it backtracks, unlifting
 * the last op and trying the next call after it. The cache ({@link Configurations}) makes the
 * search visit each configuration once, which turns Wing and Gong's exponential enumeration into
 * one bounded by the configurations that real-time order allows.
 *
 * <p>Gets are most ops, and a get that fits the register changes nothing, so at a new configuration
 * a get that may go next and fits is taken without trying alternatives: if any linearization goes
 * on from here, moving that get to the front gives one (real-time order allows it first, and every
 * op after it sees the same register). So a configuration fails if its forced get's does, and
 * backtracking passes forced choices by. A delete that says the key was absent, on an absent key,
 * is the same. This divides the steps by about ten on histories of 8 busy processes.
 *
 * <p>An op that threw or never completed gets no return entry: it may be linearized anywhere after
 * its invocation or never, as if it completed at +infinity with any output. The search succeeds
 * once every op with a known output is linearized; ops still in the list take effect "after the
 * end", where nobody observes them. A get that threw constrains nothing and is dropped.
 *
 * <p>Left alone, each such op doubles the configurations to visit (linearized here or not), and a
 * violation must visit them all. The search therefore only considers linearizations where an
 * indeterminate op X is followed at once by a determinate op D that does not fit without it. That
 * loses nothing: in any linearization, drop indeterminate ops after the last determinate one (not
 * observed); in a run of indeterminate ops only the last one decides the register (they are all
 * writes), so drop the others; and if D fits without X, D leaves the register as it would after X
 * (a put or delete sets it; a get that fits in both states saw equal states), so drop X. Dropping
 * is allowed (X may never take effect) and keeps real-time order. A failed put is thus linearized
 * only just before a get that reads its value or a delete that needs something there.
 */
final class RegisterSearch {
  private static final int ABSENT = 0;
  private static final int ILLEGAL = -1;
  private static final int NONE = -2;

  enum Verdict {
    LINEARIZABLE,
    VIOLATION,
    UNKNOWN
  }

  /**
   * The verdict and the longest sequence of ops the search could linearize, which shows where a
   * violating history gets stuck.
   */
  record Outcome(Verdict verdict, List<Op> longestPrefix) {}

  private final List<Op> ops;
  private final OpKind[] kind;
  private final int[] value; // put: value written; get: value read (ABSENT if none)
  private final boolean[] existed;
  private final boolean[] determinate;
  private final int[] entryOp; // entry -> op; entries 1..2n, HEAD = 0, TAIL = last
  private final boolean[] isCall;
  private final int[] match; // call entry -> its return entry, or -1
  private final int[] next;
  private final int[] prev;
  private final int tail;

  // The search: a stack of choices (call entry, register and "before" ahead of it, forced or not).
  private final int[] stackEntry;
  private final int[] stackState;
  private final int[] stackBefore;
  private final boolean[] stackForced;
  private int top;
  private int state = ABSENT;
  private int before = NONE; // the register before the last op, when that op is indeterminate
  private final Configurations configurations;
  private final int total; // ops with a known output
  private int remaining; // of those, not linearized yet
  private int[] longest = new int[0]; // call entries of the longest prefix
  private int longestDone;

  private RegisterSearch(List<Op> ops) {
    this.ops = ops;
    int n = ops.size();
    kind = new OpKind[n];
    value = new int[n];
    existed = new boolean[n];
    determinate = new boolean[n];
    Map<String, Integer> interned = new HashMap<>();
    List<long[]> events = new ArrayList<>(); // {instant, 0 call / 1 return, op}
    for (int i = 0; i < n; i++) {
      Op op = ops.get(i);
      value[i] =
          op.value() == null
              ? ABSENT
              : interned.computeIfAbsent(op.value(), v -> interned.size() + 1);
      kind[i] = op.kind();
      existed[i] = op.existed();
      determinate[i] = op.determinate();
      events.add(new long[] {op.invokedAt(), 0, i});
      if (determinate[i]) {
        events.add(new long[] {op.completedAt(), 1, i});
      }
    }
    events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    int entries = events.size();
    tail = entries + 1;
    entryOp = new int[entries + 2];
    isCall = new boolean[entries + 2];
    match = new int[entries + 2];
    next = new int[entries + 2];
    prev = new int[entries + 2];
    int[] callOf = new int[n];
    for (int e = 1; e <= entries; e++) {
      long[] event = events.get(e - 1);
      int op = (int) event[2];
      entryOp[e] = op;
      isCall[e] = event[1] == 0;
      match[e] = -1;
      if (isCall[e]) {
        callOf[op] = e;
      } else {
        match[callOf[op]] = e;
      }
    }
    for (int e = 0; e <= tail; e++) {
      next[e] = Math.min(e + 1, tail);
      prev[e] = Math.max(e - 1, 0);
    }
    stackEntry = new int[n];
    stackState = new int[n];
    stackBefore = new int[n];
    stackForced = new boolean[n];
    configurations = new Configurations(determinate);
    int known = 0;
    for (boolean d : determinate) {
      known += d ? 1 : 0;
    }
    total = known;
    remaining = known;
  }

  /**
   * Checks {@code ops}, all on one key, spending at most {@code allowance}.
   *
   * <p>Gets that did not return normally are dropped before the search.
   */
  static Outcome check(List<Op> ops, Allowance allowance) {
    // In invocation order, which keeps the packed configurations small (see Configurations).
    List<Op> relevant =
        ops.stream()
            .filter(op -> op.kind() != OpKind.GET || op.determinate())
            .sorted(Comparator.comparingLong(Op::invokedAt))
            .toList();
    return new RegisterSearch(relevant).search(allowance);
  }

  /** The register after {@code op} in {@code state}, or ILLEGAL when the op's output disagrees. */
  private int step(int state, int op) {
    return switch (kind[op]) {
      case PUT -> value[op];
      case DELETE -> !determinate[op] || existed[op] == (state != ABSENT) ? ABSENT : ILLEGAL;
      case GET -> state == value[op] ? state : ILLEGAL;
    };
  }

  private Outcome search(Allowance allowance) {
    int entry = next[0];
    boolean fresh = true; // entry is the head of a configuration not scanned yet
    while (remaining > 0) {
      if (!allowance.spend()) {
        return new Outcome(Verdict.UNKNOWN, prefix());
      }
      if (fresh && before == NONE) {
        int forced = fittingReadOnly(allowance);
        if (forced > 0) {
          if (!push(forced, state, true)) {
            // Taken before from here and failed: this configuration fails too.
            if (!pop()) {
              return new Outcome(Verdict.VIOLATION, prefix());
            }
            entry = next[stackEntry[top]];
            fresh = false;
            continue;
          }
          entry = next[0];
          continue;
        }
      }
      fresh = false;
      if (entry != tail && isCall[entry]) {
        int op = entryOp[entry];
        int after = ILLEGAL;
        if (determinate[op]) {
          // After an indeterminate op, only an op that needed it may follow (see class comment).
          if (before == NONE || step(before, op) == ILLEGAL) {
            after = step(state, op);
          }
        } else if (before == NONE) {
          after = step(state, op);
        }
        if (after != ILLEGAL && push(entry, after, false)) {
          entry = next[0];
          fresh = true;
          continue;
        }
        entry = next[entry];
      } else {
        // An op that had to be linearized by now was not: undo the last choice.
        if (!pop()) {
          return new Outcome(Verdict.VIOLATION, prefix());
        }
        entry = next[stackEntry[top]];
      }
    }
    return new Outcome(Verdict.LINEARIZABLE, List.of());
  }

  /**
   * The call entry of a determinate get, or delete that found nothing, that may go next and fits
   * the register; 0 if none.
   */
  private int fittingReadOnly(Allowance allowance) {
    for (int e = next[0]; e != tail && isCall[e]; e = next[e]) {
      int op = entryOp[e];
      boolean readOnly = kind[op] == OpKind.GET || kind[op] == OpKind.DELETE && !existed[op];
      if (determinate[op] && readOnly && step(state, op) == state) {
        return e;
      }
      allowance.spend();
    }
    return 0;
  }

  /**
   * Linearizes the op of call entry {@code entry}, leaving the register {@code after}, unless that
   * configuration was reached before (then it failed: a configuration in the cache is never an
   * ancestor of the current one, having fewer ops).
   */
  private boolean push(int entry, int after, boolean forced) {
    int op = entryOp[entry];
    int nextBefore = determinate[op] ? NONE : state;
    configurations.set(op);
    if (!configurations.addIfNew(after, nextBefore)) {
      configurations.clear(op);
      return false;
    }
    stackEntry[top] = entry;
    stackState[top] = state;
    stackBefore[top] = before;
    stackForced[top++] = forced;
    state = after;
    before = nextBefore;
    lift(entry);
    if (determinate[op]) {
      remaining--;
      if (total - remaining > longestDone) {
        // At the configuration with the most determinate ops linearized, no determinate op can
        // follow, with or without an indeterminate one before it: the report starts from there.
        longestDone = total - remaining;
        longest = Arrays.copyOf(stackEntry, top);
      }
    }
    return true;
  }

  /**
   * Undoes the last choice; then, while the choice undone was forced, the one before it too (the
   * configuration a forced op left from failed exactly when the forced op's did). Leaves {@code
   * top} at the frame undone last and returns false if there was none left to undo.
   */
  private boolean pop() {
    boolean again;
    do {
      if (top == 0) {
        return false;
      }
      int undone = stackEntry[--top];
      state = stackState[top];
      before = stackBefore[top];
      int op = entryOp[undone];
      configurations.clear(op);
      unlift(undone);
      remaining += determinate[op] ? 1 : 0;
      again = stackForced[top];
    } while (again);
    return true;
  }

  private List<Op> prefix() {
    List<Op> prefix = new ArrayList<>();
    for (int entry : longest) {
      prefix.add(ops.get(entryOp[entry]));
    }
    return prefix;
  }

  /** Takes a call entry and its return out of the list; they keep their own links. */
  private void lift(int call) {
    unlink(call);
    if (match[call] >= 0) {
      unlink(match[call]);
    }
  }

  /** Puts back what {@link #lift} took, in reverse order: lifts are undone last-in first-out. */
  private void unlift(int call) {
    if (match[call] >= 0) {
      relink(match[call]);
    }
    relink(call);
  }

  private void unlink(int e) {
    next[prev[e]] = next[e];
    prev[next[e]] = prev[e];
  }

  private void relink(int e) {
    next[prev[e]] = e;
    prev[next[e]] = e;
  }
}
