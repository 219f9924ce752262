package io.tieredmemory.testkit.history;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Records a history as it happens; safe to share between threads.
 *
 * <p>Call {@link #invoke} just before calling the store and complete the returned handle just after
 * it returns or throws, so the recorded interval contains the real one. An invocation never
 * completed (the thread was stopped, the JVM killed) stays {@link Op.Status#PENDING}.
 *
 * <pre>{@code
 * HistoryRecorder recorder = HistoryRecorder.inMemory();
 * HistoryRecorder.Invocation call = recorder.invoke("p0", "user:1", OpKind.GET, null);
 * try {
 *   call.ok(store.get("user:1").map(Memory::content));
 * } catch (RuntimeException e) {
 *   call.failed(e);
 * }
 * CheckResult result = LinearizabilityChecker.withDefaults().check(recorder.history());
 * }</pre>
 *
 * <p>For several JVMs, give each its own file and {@link #appendingTo} it; instants are then {@link
 * System#nanoTime()}, which every JVM on one Linux host reads from the same monotonic clock, and
 * {@link HistoryReader#read} merges the files.
 */
public final class HistoryRecorder implements AutoCloseable {
  private final LongSupplier clock;
  private final Optional<HistoryWriter> writer;
  private final AtomicLong ids = new AtomicLong();
  private final Queue<Invocation> invocations = new ConcurrentLinkedQueue<>();
  private final Queue<SearchInvocation> searches = new ConcurrentLinkedQueue<>();

  private HistoryRecorder(LongSupplier clock, Optional<HistoryWriter> writer) {
    this.clock = clock;
    this.writer = writer;
  }

  /**
   * A recorder kept in memory whose instants come from one atomic sequence, so the real-time order
   * of any two events in this JVM is exact (no two events share an instant).
   */
  public static HistoryRecorder inMemory() {
    AtomicLong sequence = new AtomicLong();
    return new HistoryRecorder(sequence::incrementAndGet, Optional.empty());
  }

  /**
   * A recorder that also appends every event to {@code writer} before returning, with {@link
   * System#nanoTime()} instants; {@link #close()} closes the writer.
   */
  public static HistoryRecorder appendingTo(HistoryWriter writer) {
    return new HistoryRecorder(System::nanoTime, Optional.of(writer));
  }

  /**
   * Records the invocation of an operation.
   *
   * @param input the value of a put; null for a get or a delete
   * @throws UncheckedIOException if the event could not be written: do not run the operation then,
   *     the history would miss it
   */
  public Invocation invoke(String process, String key, OpKind kind, @Nullable String input) {
    Objects.requireNonNull(process, "process");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(kind, "kind");
    if ((kind == OpKind.PUT) != (input != null)) {
      throw new IllegalArgumentException(
          "input must be given for a put and only for a put, was " + input + " for " + kind);
    }
    long id = ids.incrementAndGet();
    long at = clock.getAsLong();
    append(HistoryFormat.invoke(at, process, id, kind.label(), key, input));
    Invocation call = new Invocation(Op.pending(id, process, key, kind, input, at));
    invocations.add(call);
    return call;
  }

  /** Records the invocation of a search for {@code query}. */
  public SearchInvocation invokeSearch(String process, String query) {
    Objects.requireNonNull(process, "process");
    Objects.requireNonNull(query, "query");
    long id = ids.incrementAndGet();
    long at = clock.getAsLong();
    append(HistoryFormat.invoke(at, process, id, HistoryFormat.SEARCH, query, null));
    SearchInvocation call = new SearchInvocation(id, process, query, at);
    searches.add(call);
    return call;
  }

  /**
   * What was recorded so far; invocations not completed yet are {@link Op.Status#PENDING}. Call it
   * when the workload has stopped to check a finished history.
   */
  public History history() {
    List<Op> ops = new ArrayList<>();
    invocations.forEach(call -> ops.add(call.op));
    List<SearchOp> done = new ArrayList<>();
    searches.forEach(call -> call.result.ifPresent(done::add));
    return new History(ops, done);
  }

  /** Closes the writer, if any. */
  @Override
  public void close() throws IOException {
    if (writer.isPresent()) {
      writer.get().close();
    }
  }

  private void append(String line) {
    if (writer.isPresent()) {
      writer.get().append(line);
    }
  }

  /** An operation in flight: complete it exactly once with the store's answer. */
  public final class Invocation {
    private volatile Op op;
    private boolean completed;

    private Invocation(Op pending) {
      this.op = pending;
    }

    /** The op's id (to find it in a report or a file). */
    public long id() {
      return op.id();
    }

    /** A put returned normally. */
    public void ok() {
      // The value is there once complete() has checked that this is a put (invoke requires one).
      complete(
          OpKind.PUT,
          at ->
              Op.put(
                  op.id(),
                  op.process(),
                  op.key(),
                  Objects.requireNonNull(op.value()),
                  start(),
                  at));
    }

    /** A get returned {@code read} (empty: the key was absent). */
    public void ok(Optional<String> read) {
      Objects.requireNonNull(read, "read");
      complete(OpKind.GET, at -> Op.get(op.id(), op.process(), op.key(), read, start(), at));
    }

    /** A delete returned {@code existed}. */
    public void ok(boolean existed) {
      complete(
          OpKind.DELETE, at -> Op.delete(op.id(), op.process(), op.key(), existed, start(), at));
    }

    /**
     * The operation threw: a put or delete may still take effect later, a get is ignored by the
     * checker.
     */
    public void failed(Throwable error) {
      Objects.requireNonNull(error, "error");
      complete(
          op.kind(),
          at -> Op.failed(op.id(), op.process(), op.key(), op.kind(), op.value(), start(), at),
          String.valueOf(error));
    }

    private long start() {
      return op.invokedAt();
    }

    private void complete(OpKind kind, LongFunction<Op> result) {
      complete(kind, result, null);
    }

    private synchronized void complete(
        OpKind kind, LongFunction<Op> result, @Nullable String error) {
      if (kind != op.kind()) {
        throw new IllegalStateException(
            "op " + op.id() + " is a " + op.kind().label() + ", not a " + kind.label());
      }
      if (completed) {
        throw new IllegalStateException(
            "op " + op.id() + " was already completed: " + op.describe());
      }
      completed = true;
      Op done = result.apply(clock.getAsLong());
      append(
          error == null
              ? HistoryFormat.ok(done)
              : HistoryFormat.fail(done.completedAt(), done, error));
      op = done;
    }
  }

  /** A search in flight: complete it exactly once. */
  public final class SearchInvocation {
    private final long id;
    private final String process;
    private final String query;
    private final long invokedAt;
    private volatile Optional<SearchOp> result = Optional.empty();
    private boolean completed;

    private SearchInvocation(long id, String process, String query, long invokedAt) {
      this.id = id;
      this.process = process;
      this.query = query;
      this.invokedAt = invokedAt;
    }

    /** The search returned {@code hits}: the value found for each key. */
    public synchronized void ok(Map<String, String> hits) {
      markCompleted();
      SearchOp done = new SearchOp(id, process, query, hits, invokedAt, clock.getAsLong());
      append(HistoryFormat.ok(done));
      result = Optional.of(done);
    }

    /** The search threw; it promises nothing and is left out of the history. */
    public synchronized void failed(Throwable error) {
      Objects.requireNonNull(error, "error");
      markCompleted();
      append(
          HistoryFormat.failSearch(clock.getAsLong(), process, id, query, String.valueOf(error)));
    }

    private void markCompleted() {
      if (completed) {
        throw new IllegalStateException("search " + id + " was already completed");
      }
      completed = true;
    }
  }
}
