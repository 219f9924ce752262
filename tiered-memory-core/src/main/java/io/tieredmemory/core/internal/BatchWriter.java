package io.tieredmemory.core.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Writes what request threads {@link #offer} to a durable sink in batches, from a daemon thread of
 * its own: the store's history ({@code HistoryRecorder}) and a durable decision feed. Offering
 * never blocks: a full queue drops the item and counts it. A batch the sink refused is kept, oldest
 * first, and written before anything newer (bounded by the queue's capacity, beyond which the
 * oldest are dropped and counted); after a failure the thread waits {@link #FAILURE_WAIT_MILLIS}
 * before trying again and logs once (then at debug) until a batch succeeds. {@link #flush} writes
 * everything offered so far from the caller's thread, {@link #close} stops the thread and flushes.
 *
 * @param <T> what is written
 */
public final class BatchWriter<T> {
  private static final System.Logger LOG = System.getLogger(BatchWriter.class.getName());

  /** After a failed write, the thread waits this long before its next attempt. */
  public static final long FAILURE_WAIT_MILLIS = 1_000;

  private final String what;
  private final int batch;
  private final int capacity;
  private final long idleWaitNanos;
  private final Consumer<List<T>> sink;
  private final LongConsumer dropped;
  private final ArrayBlockingQueue<T> queue;
  private final ReentrantLock writing = new ReentrantLock();
  // Guarded by writing: items whose write failed, oldest first, written before newer ones.
  private final ArrayDeque<T> retry = new ArrayDeque<>();
  private final Thread thread;
  private volatile boolean closed;
  private volatile long notBefore;
  private boolean warned;

  /**
   * A writer with its thread started.
   *
   * @param what what it writes, for the thread's name and log lines, e.g. {@code store 'agent':
   *     history}
   * @param threadName the thread's name
   * @param capacity the most items held before the sink has them (at least 1)
   * @param batch the most items one call of the sink gets
   * @param idleWaitMillis how long the thread waits between batches when fewer than a batch wait
   * @param sink writes one batch, in order, all or nothing; throws if it could not
   * @param dropped told how many items were dropped, each time some are
   */
  public BatchWriter(
      String what,
      String threadName,
      int capacity,
      int batch,
      long idleWaitMillis,
      Consumer<List<T>> sink,
      LongConsumer dropped) {
    this.what = what;
    this.batch = batch;
    this.capacity = Math.max(1, capacity);
    this.idleWaitNanos = TimeUnit.MILLISECONDS.toNanos(idleWaitMillis);
    this.sink = sink;
    this.dropped = dropped;
    this.queue = new ArrayBlockingQueue<>(this.capacity);
    this.thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues {@code item}; never blocks. False (and counted as dropped) if full or closed. */
  public boolean offer(T item) {
    if (closed || !queue.offer(item)) {
      dropped.accept(1);
      return false;
    }
    if (queue.size() >= batch) {
      LockSupport.unpark(thread);
    }
    return true;
  }

  /**
   * Writes everything offered so far (and any batch kept from a failed write), not what keeps
   * coming: a flush under load ends.
   *
   * @throws RuntimeException what the sink threw (the items are kept for the next write)
   */
  public void flush() {
    writing.lock();
    try {
      int target = retry.size() + queue.size();
      int written = 0;
      while (written < target && (!retry.isEmpty() || !queue.isEmpty())) {
        written += writeBatch();
      }
    } finally {
      writing.unlock();
    }
  }

  /** One call of the sink with at most {@code batch} items, the oldest first; under writing. */
  private int writeBatch() {
    List<T> items = new ArrayList<>(Math.min(batch, retry.size() + queue.size()));
    while (items.size() < batch && !retry.isEmpty()) {
      items.add(retry.pollFirst());
    }
    if (items.size() < batch) {
      queue.drainTo(items, batch - items.size());
    }
    if (items.isEmpty()) {
      return 0;
    }
    try {
      sink.accept(items);
    } catch (RuntimeException e) {
      // Kept, oldest first, ahead of anything queued since; bounded by the queue's capacity.
      for (int i = items.size() - 1; i >= 0; i--) {
        retry.addFirst(items.get(i));
      }
      int over = retry.size() - capacity;
      for (int i = 0; i < over; i++) {
        retry.pollLast();
      }
      if (over > 0) {
        dropped.accept(over);
      }
      throw e;
    }
    return items.size();
  }

  private void run() {
    // Waits first: whatever is offered meanwhile is written after one idle wait, or at once when a
    // batch is full (offer wakes the thread), never while the thread happens to be starting.
    boolean wait = true;
    while (!closed) {
      if (wait) {
        LockSupport.parkNanos(this, idleWaitNanos);
        if (closed) {
          return;
        }
      }
      wait = true;
      if (System.currentTimeMillis() >= notBefore && (!queue.isEmpty() || hasRetry())) {
        writing.lock();
        try {
          writeBatch();
          warned = false;
        } catch (RuntimeException e) {
          notBefore = System.currentTimeMillis() + FAILURE_WAIT_MILLIS;
          Supplier<String> message =
              () ->
                  what
                      + ": writing to WARM failed; retried in "
                      + FAILURE_WAIT_MILLIS
                      + " ms (up to "
                      + capacity
                      + " are kept, then dropped and counted)";
          LOG.log(warned ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING, message, e);
          warned = true;
        } finally {
          writing.unlock();
        }
        wait = queue.size() < batch;
      }
    }
  }

  private boolean hasRetry() {
    writing.lock();
    try {
      return !retry.isEmpty();
    } finally {
      writing.unlock();
    }
  }

  /**
   * Stops the thread and writes what is queued (once); if that fails, the rest is counted as
   * dropped and the failure logged.
   *
   * @return how many items were lost (0 when everything was written)
   */
  public long close() {
    if (closed) {
      return 0;
    }
    closed = true;
    LockSupport.unpark(thread);
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      flush();
      return 0;
    } catch (RuntimeException e) {
      long lost;
      writing.lock();
      try {
        lost = retry.size() + queue.size();
        retry.clear();
        queue.clear();
      } finally {
        writing.unlock();
      }
      dropped.accept(lost);
      LOG.log(
          System.Logger.Level.WARNING,
          what + ": not written to WARM on close; " + lost + " lost",
          (@Nullable Throwable) e);
      return lost;
    }
  }

  /** Whether {@link #close} was called. */
  public boolean closed() {
    return closed;
  }
}
