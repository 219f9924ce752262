package io.tieredmemory.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Makes the moves that reads cause, and the HOT copy a put leaves ({@link ReadMoves}): on the
 * calling thread, or handed to an executor with at most one move waiting per key and at most {@code
 * maxPending} keys waiting. Every move it is given re-checks what it finds under the key's lock
 * ({@link Mover}), so running it later, or not at all, changes where a memory is, never what a read
 * returns.
 */
final class ReadMover {
  private static final System.Logger LOG = System.getLogger(ReadMover.class.getName());

  /** Threads of a store's own background executor. */
  static final int THREADS = 2;

  private final String store;
  private final @Nullable Executor executor;
  private final @Nullable ThreadPoolExecutor owned;
  private final int maxPending;
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private final LongAdder dropped = new LongAdder();
  private volatile boolean closed;

  private ReadMover(
      String store,
      @Nullable Executor executor,
      @Nullable ThreadPoolExecutor owned,
      int maxPending) {
    this.store = store;
    this.executor = executor;
    this.owned = owned;
    this.maxPending = maxPending;
  }

  /**
   * The mover a store's builder asks for.
   *
   * @param custom an executor the user gave ({@code Builder.readMoves(Executor)}), or null
   * @param remote whether any of the store's tiers is remote (for {@link ReadMoves#AUTO})
   */
  static ReadMover create(
      String store, ReadMoves mode, @Nullable Executor custom, boolean remote, int maxPending) {
    if (custom != null) {
      return new ReadMover(store, custom, null, maxPending);
    }
    boolean background = mode == ReadMoves.BACKGROUND || (mode == ReadMoves.AUTO && remote);
    if (!background) {
      return new ReadMover(store, null, null, maxPending);
    }
    AtomicInteger threads = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t =
                  new Thread(r, "tiered-memory-" + store + "-moves-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return new ReadMover(store, pool, pool, maxPending);
  }

  /** Whether moves are handed to an executor (false: made on the calling thread). */
  boolean background() {
    return executor != null;
  }

  /**
   * Makes {@code move} now, on this thread, or hands it over; a move of {@code key} already waiting
   * makes this one unnecessary (each re-reads WARM under the lock and acts on what it finds then).
   * Never throws: a failure of the move is logged (a move is an optimisation; the next reads or
   * sweeps retry it).
   *
   * @param after what caused the move, for the log: "a WARM read", "a put"
   */
  void move(String key, String after, Runnable move) {
    Executor e = executor;
    if (e == null) {
      runQuietly(after, move);
      return;
    }
    if (closed) {
      return;
    }
    if (pending.size() >= maxPending) {
      if (!pending.contains(key)) {
        dropped.increment();
      }
      return;
    }
    if (!pending.add(key)) {
      return;
    }
    try {
      e.execute(
          () -> {
            pending.remove(key);
            if (!closed) {
              runQuietly(after, move);
            }
          });
    } catch (RejectedExecutionException rejected) {
      pending.remove(key);
      if (!closed) {
        dropped.increment();
      }
    }
  }

  private void runQuietly(String after, Runnable move) {
    try {
      move.run();
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.DEBUG,
          () -> "store '" + store + "': moving after " + after + " failed",
          e);
    }
  }

  /** Moves not made because {@code maxPending} keys were waiting, or the executor refused. */
  long dropped() {
    return dropped.sum();
  }

  /**
   * Stops taking moves and drops those waiting; waits up to {@code timeoutMillis} for the ones
   * under way on the store's own threads (an executor the user gave is not shut down: its moves
   * still waiting find the store closed and do nothing).
   */
  void close(long timeoutMillis) {
    closed = true;
    ThreadPoolExecutor pool = owned;
    if (pool == null) {
      return;
    }
    pool.getQueue().clear();
    pool.shutdown();
    try {
      if (!pool.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
    pending.clear();
  }
}
