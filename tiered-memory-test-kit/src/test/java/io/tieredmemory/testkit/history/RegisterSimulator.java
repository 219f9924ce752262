package io.tieredmemory.testkit.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Random linearizable histories: processes run ops on one atomic register, each op taking effect at
 * a random instant inside its interval, so the order of those instants is a linearization. A failed
 * put or delete takes effect at a random instant after its invocation, or never.
 *
 * <pre>{@code
 * List<Op> ops = new RegisterSimulator(seed, 8, 0.0).run("k", 200);
 * }</pre>
 */
final class RegisterSimulator {
  private final Random random;
  private final int processes;
  private final double failures;

  private record Planned(
      int process, OpKind kind, boolean failed, long invokedAt, long completedAt, long effect) {}

  RegisterSimulator(long seed, int processes, double failures) {
    this.random = new Random(seed);
    this.processes = processes;
    this.failures = failures;
  }

  /** {@code count} ops on {@code key}: 30% puts, 10% deletes, 60% gets, ids 0 to count - 1. */
  List<Op> run(String key, int count) {
    long[] free = new long[processes];
    List<Planned> plan = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int p = random.nextInt(processes);
      long invoked = free[p] + random.nextInt(3_000);
      long completed = invoked + 1_000 + random.nextInt(20_000);
      free[p] = completed + 1;
      int roll = random.nextInt(10);
      OpKind kind = roll < 3 ? OpKind.PUT : roll < 4 ? OpKind.DELETE : OpKind.GET;
      boolean failed = random.nextDouble() < failures;
      long effect = invoked + 1 + random.nextInt((int) (completed - invoked - 1));
      if (failed) {
        effect = random.nextBoolean() ? Long.MAX_VALUE : invoked + 1 + random.nextInt(40_000);
      }
      plan.add(new Planned(p, kind, failed, invoked, completed, effect));
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingLong(i -> plan.get(i).effect()));
    Op[] ops = new Op[count];
    String state = null; // the register: null is absent
    for (int i : order) {
      Planned op = plan.get(i);
      String process = "p" + op.process();
      String value = op.kind() == OpKind.PUT ? key + "-v" + i : null;
      if (op.failed()) {
        ops[i] = Op.failed(i, process, key, op.kind(), value, op.invokedAt(), op.completedAt());
      }
      if (op.effect() == Long.MAX_VALUE) {
        continue;
      }
      switch (op.kind()) {
        case PUT -> {
          ops[i] =
              ops[i] != null
                  ? ops[i]
                  : Op.put(i, process, key, value, op.invokedAt(), op.completedAt());
          state = value;
        }
        case DELETE -> {
          ops[i] =
              ops[i] != null
                  ? ops[i]
                  : Op.delete(i, process, key, state != null, op.invokedAt(), op.completedAt());
          state = null;
        }
        case GET -> {
          Optional<String> read = Optional.ofNullable(state);
          ops[i] =
              ops[i] != null
                  ? ops[i]
                  : Op.get(i, process, key, read, op.invokedAt(), op.completedAt());
        }
      }
    }
    return List.of(ops);
  }

  /**
   * {@code ops} with one get changed to return a value that was certainly overwritten before it was
   * invoked: put P completed, then a write W of another value was invoked and completed, then the
   * get was invoked. Empty if the history has no such triple.
   */
  static Optional<List<Op>> withStaleRead(List<Op> ops, Random random) {
    List<Op[]> choices = new ArrayList<>(); // {get, put}
    for (Op get : ops) {
      if (get.kind() != OpKind.GET || !get.determinate()) {
        continue;
      }
      for (Op put : ops) {
        if (put.kind() != OpKind.PUT || !put.determinate() || put.value().equals(get.value())) {
          continue;
        }
        boolean overwritten =
            ops.stream()
                .anyMatch(
                    w ->
                        w.determinate()
                            && w.kind() != OpKind.GET
                            && w != put
                            && put.completedAt() < w.invokedAt()
                            && w.completedAt() < get.invokedAt());
        if (overwritten) {
          choices.add(new Op[] {get, put});
        }
      }
    }
    if (choices.isEmpty()) {
      return Optional.empty();
    }
    Op[] choice = choices.get(random.nextInt(choices.size()));
    Op get = choice[0];
    Op stale =
        Op.get(
            get.id(),
            get.process(),
            get.key(),
            Optional.of(choice[1].value()),
            get.invokedAt(),
            get.completedAt());
    List<Op> changed = new ArrayList<>(ops);
    changed.set(changed.indexOf(get), stale);
    return Optional.of(changed);
  }
}
