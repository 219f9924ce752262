package io.tieredmemory.testkit.history;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One operation on one key of the store, with the instants it was invoked and completed.
 *
 * <p>Instants are longs on one clock shared by the whole history: a {@link HistoryRecorder}'s
 * sequence within one JVM, or {@link System#nanoTime()} (CLOCK_MONOTONIC, comparable across the
 * JVMs of one Linux host) when histories of several processes are merged. Operation {@code a}
 * happened before {@code b} only if {@code a.completedAt() < b.invokedAt()}; equal instants count
 * as concurrent, which can hide a violation but never invent one.
 *
 * <pre>{@code
 * Op write = Op.put(1, "p0", "user:1", "v-1", 100, 180);
 * Op read = Op.get(2, "p1", "user:1", Optional.of("v-1"), 150, 220);
 * Op lost = Op.pending(3, "p0", "user:1", OpKind.DELETE, null, 300); // the process died
 * }</pre>
 *
 * @param id identifies the operation within its recorder (and, with {@code process}, in a merged
 *     history)
 * @param process who invoked it: a thread, a JVM, a client; one process runs one op at a time
 * @param key the key it acted on
 * @param kind put, get or delete
 * @param value for a put the value written; for a completed get the value read, or null when the
 *     get found the key absent; otherwise null
 * @param existed for a completed delete whether the key held a value just before; otherwise false
 * @param status whether the output is known
 * @param invokedAt when it was invoked
 * @param completedAt when it returned or threw; {@link #NEVER} when no completion was recorded
 */
public record Op(
    long id,
    String process,
    String key,
    OpKind kind,
    @Nullable String value,
    boolean existed,
    Status status,
    long invokedAt,
    long completedAt) {

  /** The completion instant of an op whose process died before it returned. */
  public static final long NEVER = Long.MAX_VALUE;

  /** Whether the output of an op is known, and so whether the checker can rely on it. */
  public enum Status {
    /** Returned normally: its output is known. */
    OK,
    /**
     * Threw: a put or delete may have taken effect at any instant after its invocation, or never.
     */
    FAILED,
    /** No completion was recorded (the process was killed): as uncertain as {@link #FAILED}. */
    PENDING
  }

  /** Checks that the fields fit the kind and status. */
  public Op {
    Objects.requireNonNull(process, "process");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(status, "status");
    if (kind == OpKind.PUT && value == null) {
      throw new IllegalArgumentException("value must not be null for a put, op " + id);
    }
    if (value != null && (kind == OpKind.DELETE || kind == OpKind.GET && status != Status.OK)) {
      throw new IllegalArgumentException(
          "value must be null for a " + status + " " + kind.label() + ", was " + value);
    }
    if (existed && (kind != OpKind.DELETE || status != Status.OK)) {
      throw new IllegalArgumentException(
          "existed must be false for a " + status + " " + kind.label() + ", op " + id);
    }
    if ((status == Status.PENDING) != (completedAt == NEVER)) {
      throw new IllegalArgumentException(
          "completedAt must be NEVER exactly when status is PENDING, was "
              + completedAt
              + " for "
              + status);
    }
    if (completedAt < invokedAt) {
      throw new IllegalArgumentException(
          "completedAt must be >= invokedAt " + invokedAt + ", was " + completedAt);
    }
  }

  /** A put of {@code value} that returned normally. */
  public static Op put(
      long id, String process, String key, String value, long invokedAt, long completedAt) {
    return new Op(id, process, key, OpKind.PUT, value, false, Status.OK, invokedAt, completedAt);
  }

  /** A get that returned {@code read} (empty: the key was absent). */
  public static Op get(
      long id,
      String process,
      String key,
      Optional<String> read,
      long invokedAt,
      long completedAt) {
    return new Op(
        id, process, key, OpKind.GET, read.orElse(null), false, Status.OK, invokedAt, completedAt);
  }

  /** A delete that returned {@code existed}. */
  public static Op delete(
      long id, String process, String key, boolean existed, long invokedAt, long completedAt) {
    return new Op(
        id, process, key, OpKind.DELETE, null, existed, Status.OK, invokedAt, completedAt);
  }

  /**
   * An op that threw at {@code failedAt}; {@code input} is the put's value, null for other kinds.
   */
  public static Op failed(
      long id,
      String process,
      String key,
      OpKind kind,
      @Nullable String input,
      long invokedAt,
      long failedAt) {
    return new Op(id, process, key, kind, input, false, Status.FAILED, invokedAt, failedAt);
  }

  /** An op whose completion was never recorded; {@code input} is the put's value, or null. */
  public static Op pending(
      long id, String process, String key, OpKind kind, @Nullable String input, long invokedAt) {
    return new Op(id, process, key, kind, input, false, Status.PENDING, invokedAt, NEVER);
  }

  /** Whether the output is known ({@link Status#OK}). */
  public boolean determinate() {
    return status == Status.OK;
  }

  /** What a completed get read; empty when it found the key absent. */
  public Optional<String> read() {
    if (kind != OpKind.GET || status != Status.OK) {
      throw new IllegalStateException("only a completed get has a read, not " + this.describe());
    }
    return Optional.ofNullable(value);
  }

  /**
   * The completion instant the checker uses: an indeterminate op may take effect at any instant
   * after its invocation, which is the same as completing at +infinity.
   */
  long end() {
    return status == Status.OK ? completedAt : NEVER;
  }

  /** The op as a call with its result, e.g. {@code put("v-1")}, {@code get() -> absent}. */
  public String describe() {
    String call =
        kind == OpKind.PUT
            ? "put(" + HistoryFormat.quote(Objects.requireNonNull(value)) + ")"
            : kind.label() + "()";
    return switch (status) {
      case FAILED -> call + " failed";
      case PENDING -> call + " never completed";
      case OK ->
          switch (kind) {
            case GET -> call + " -> " + (value == null ? "absent" : HistoryFormat.quote(value));
            case DELETE -> call + " -> " + existed;
            case PUT -> call;
          };
    };
  }
}
