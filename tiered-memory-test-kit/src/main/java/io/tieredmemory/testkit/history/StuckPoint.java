package io.tieredmemory.testkit.history;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Where the search of a non-linearizable history got stuck: after the prefix with the most
 * determinate ops it could linearize, every determinate op real-time order allows next disagrees
 * with the register (with or without an indeterminate op taking effect just before it).
 *
 * @param prefix the longest linearizable prefix found
 * @param state the register after it; null is absent
 * @param next the ops real-time order allows next, in invocation order
 */
record StuckPoint(List<Op> prefix, @Nullable String state, List<Op> next) {

  static StuckPoint of(List<Op> ops, List<Op> prefix) {
    String state = null;
    for (Op op : prefix) {
      state =
          switch (op.kind()) {
            case PUT -> op.value();
            case DELETE -> null;
            case GET -> state;
          };
    }
    Set<Op> done = new HashSet<>(prefix);
    List<Op> left = new ArrayList<>();
    for (Op op : ops) {
      if (!done.contains(op) && (op.kind() != OpKind.GET || op.determinate())) {
        left.add(op);
      }
    }
    // As in the search: an op may go next unless another op left completed before it was
    // invoked, so only the two earliest completions matter.
    Op earliest = null;
    long first = Op.NEVER;
    long second = Op.NEVER;
    for (Op op : left) {
      if (op.end() < first) {
        second = first;
        first = op.end();
        earliest = op;
      } else if (op.end() < second) {
        second = op.end();
      }
    }
    List<Op> next = new ArrayList<>();
    for (Op op : left) {
      if ((op == earliest ? second : first) >= op.invokedAt()) {
        next.add(op);
      }
    }
    return new StuckPoint(List.copyOf(prefix), state, List.copyOf(next));
  }

  /** Whether {@code op}'s output agrees with the register here (indeterminate ops always do). */
  boolean fits(Op op) {
    if (!op.determinate()) {
      return true;
    }
    return switch (op.kind()) {
      case GET -> Objects.equals(op.value(), state);
      case DELETE -> op.existed() == (state != null);
      case PUT -> true;
    };
  }
}
