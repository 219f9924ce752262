package io.tieredmemory.postgres;

import io.tieredmemory.core.spi.StoredMemory;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Buffers reads and writes them out in batches: on a daemon thread every interval, on {@link
 * #flush()} and on {@link #close()}.
 */
final class AccessFlusher implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(AccessFlusher.class.getName());

  /** Keys per write: bounds the arrays sent and the rows one statement locks. */
  static final int BATCH = 5_000;

  /** Distinct keys buffered at most between flushes. */
  static final int MAX_PENDING_KEYS = 200_000;

  /** Writes one batch; throws on failure, and the batch is then kept for the next flush. */
  @FunctionalInterface
  interface Writer {
    void write(AccessBuffer.Batch batch);
  }

  private final String owner;
  private final Writer writer;
  private final AccessBuffer buffer = new AccessBuffer(MAX_PENDING_KEYS);
  // Serialises flushes, so flush() returns only once reads recorded before it are written, even
  // when the background thread had already drained some of them.
  private final ReentrantLock lock = new ReentrantLock();
  private final ScheduledExecutorService thread;
  private volatile boolean failing;
  private volatile boolean closed;

  AccessFlusher(String owner, String threadName, Duration interval, Writer writer) {
    this.owner = owner;
    this.writer = writer;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    long millis = interval.toMillis();
    thread.scheduleWithFixedDelay(this::background, millis, millis, TimeUnit.MILLISECONDS);
  }

  void record(String key, long nowMillis) {
    buffer.record(key, nowMillis);
  }

  /** {@code stored} with the reads buffered for it and not yet written added in. */
  StoredMemory withPending(StoredMemory stored) {
    long[] p = buffer.pending(stored.key());
    if (p == null) {
      return stored;
    }
    return new StoredMemory(
        stored.memory(), stored.accessCount() + p[0], Math.max(stored.lastAccessMillis(), p[1]));
  }

  /** Writes everything buffered before the call. */
  void flush() {
    lock.lock();
    try {
      // Bounded, so readers that keep adding keys cannot keep a flush running forever.
      int rounds = buffer.size() / BATCH + 1;
      for (int i = 0; i < rounds; i++) {
        AccessBuffer.Batch batch = buffer.drain(BATCH);
        if (batch.size() == 0) {
          return;
        }
        try {
          writer.write(batch);
        } catch (RuntimeException e) {
          buffer.restore(batch);
          throw e;
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private void background() {
    try {
      flush();
      if (failing) {
        failing = false;
        LOG.log(Level.INFO, () -> owner + ": writing access statistics works again");
      }
    } catch (RuntimeException e) {
      // Logged once per outage, not once per interval; the statistics stay buffered meanwhile.
      if (!failing) {
        failing = true;
        LOG.log(Level.WARNING, owner + ": writing access statistics failed; will retry", e);
      }
    }
  }

  /** Stops the thread and writes what is left; a failure is logged, not thrown. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    // shutdown, not shutdownNow: a flush under way finishes rather than being interrupted mid-call.
    thread.shutdown();
    try {
      thread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          owner
              + ": final write of access statistics failed; those of "
              + buffer.size()
              + " keys are lost",
          e);
    }
    if (buffer.dropped() > 0) {
      LOG.log(
          Level.INFO,
          owner + ": " + buffer.dropped() + " reads were not counted (buffer full during outage)");
    }
  }
}
