package io.tieredmemory.testkit.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Hand-written histories for tests: ops on one key (switch with {@link #key}), ids in order. */
final class Histories {
  private final List<Op> ops = new ArrayList<>();
  private String key = "k";
  private long ids;

  static Histories history() {
    return new Histories();
  }

  Histories key(String key) {
    this.key = key;
    return this;
  }

  Histories put(String process, String value, long invokedAt, long completedAt) {
    ops.add(Op.put(++ids, process, key, value, invokedAt, completedAt));
    return this;
  }

  /** A get that read {@code read}; null means it found the key absent. */
  Histories get(String process, String read, long invokedAt, long completedAt) {
    ops.add(Op.get(++ids, process, key, Optional.ofNullable(read), invokedAt, completedAt));
    return this;
  }

  Histories delete(String process, boolean existed, long invokedAt, long completedAt) {
    ops.add(Op.delete(++ids, process, key, existed, invokedAt, completedAt));
    return this;
  }

  Histories failedPut(String process, String value, long invokedAt, long failedAt) {
    ops.add(Op.failed(++ids, process, key, OpKind.PUT, value, invokedAt, failedAt));
    return this;
  }

  Histories pendingPut(String process, String value, long invokedAt) {
    ops.add(Op.pending(++ids, process, key, OpKind.PUT, value, invokedAt));
    return this;
  }

  Histories failedDelete(String process, long invokedAt, long failedAt) {
    ops.add(Op.failed(++ids, process, key, OpKind.DELETE, null, invokedAt, failedAt));
    return this;
  }

  Histories failedGet(String process, long invokedAt, long failedAt) {
    ops.add(Op.failed(++ids, process, key, OpKind.GET, null, invokedAt, failedAt));
    return this;
  }

  History build() {
    return History.of(ops);
  }
}
