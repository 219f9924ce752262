package io.tieredmemory.core.spi;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Access statistics recorded in process and written to a remote tier in batches, so that a read
 * costs one round trip: the buffer every remote backend shares. A backend records each read (and
 * each {@code touch}), adds what is pending to what it reports ({@link #withPending}), and gives a
 * {@link Writer} that writes one batch. The buffer writes on its own daemon thread every interval,
 * on {@link #flush()} and on {@link #close()}.
 *
 * <pre>{@code
 * AccessBuffer access = AccessBuffer.start("redis tier 'tm'", Duration.ofSeconds(1), 1_000,
 *     batch -> writeCountsAndLastAccess(batch));
 * access.recordRead(key, nowMillis);     // on every read that found the key
 * access.withPending(stored);            // in peek: stored statistics plus this process's reads
 * access.close();                        // stops the thread, writes what is left
 * }</pre>
 *
 * <p>Each key's pending statistics change only inside the map's atomic per-key operations, and a
 * batch takes each key out atomically: a concurrent read lands either in the batch or in a fresh
 * entry, never in neither. A batch whose write throws goes back into the buffer, merged with what
 * came in since, and is tried again by the next flush; a repeated write can count some reads twice
 * (counts are approximate by contract; the last access is a maximum, so repeating it is harmless).
 * At most {@code maxKeys} distinct keys are held, so an outage cannot grow the heap without bound;
 * reads beyond it are not counted, and {@link #dropped()} says how many.
 */
public final class AccessBuffer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(AccessBuffer.class.getName());

  /** Distinct keys held at most between flushes, by default. */
  public static final int DEFAULT_MAX_KEYS = 200_000;

  /**
   * One key's statistics not yet written.
   *
   * @param key the memory's key
   * @param reads reads since the last write (0 for a touch alone)
   * @param lastAccessMillis the latest access seen
   */
  public record Pending(String key, long reads, long lastAccessMillis) {
    Pending plus(Pending other) {
      return new Pending(
          key, reads + other.reads, Math.max(lastAccessMillis, other.lastAccessMillis));
    }
  }

  /** Writes one batch (keys in ascending order, distinct); throws if it could not. */
  @FunctionalInterface
  public interface Writer {
    /** Writes {@code batch}; a throw puts the whole batch back for the next flush. */
    void write(List<Pending> batch);
  }

  private final String owner;
  private final int batchSize;
  private final int maxKeys;
  private final Writer writer;
  private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
  private final LongAdder dropped = new LongAdder();
  // Serialises flushes, so flush() returns only once reads recorded before it are written, even
  // when the background thread had already taken some of them.
  private final ReentrantLock flushing = new ReentrantLock();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final @Nullable ScheduledExecutorService thread;
  private volatile boolean failing;

  private AccessBuffer(
      String owner, Duration interval, int batchSize, int maxKeys, Writer writer, boolean start) {
    if (owner == null || writer == null || interval == null) {
      throw new IllegalArgumentException("owner, interval and writer must not be null");
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive, was " + interval);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
    }
    if (maxKeys < 1) {
      throw new IllegalArgumentException("maxKeys must be >= 1, was " + maxKeys);
    }
    this.owner = owner;
    this.batchSize = batchSize;
    this.maxKeys = maxKeys;
    this.writer = writer;
    if (!start) {
      this.thread = null;
      return;
    }
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tiered-memory-access-" + owner);
              t.setDaemon(true);
              return t;
            });
    long millis = interval.toMillis();
    thread.scheduleWithFixedDelay(this::inBackground, millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * A buffer holding at most {@value #DEFAULT_MAX_KEYS} keys, written by {@code writer} in batches
   * of {@code batchSize} keys every {@code interval} from a daemon thread named after {@code
   * owner}, which also names the buffer in log lines (e.g. {@code "postgres tier 'memories'"}).
   *
   * @throws IllegalArgumentException if an argument is null, or {@code interval} or {@code
   *     batchSize} is not positive
   */
  public static AccessBuffer start(String owner, Duration interval, int batchSize, Writer writer) {
    return new AccessBuffer(owner, interval, batchSize, DEFAULT_MAX_KEYS, writer, true);
  }

  /** Like {@link #start}, holding at most {@code maxKeys} keys and with no thread: tests. */
  static AccessBuffer manual(String owner, int batchSize, int maxKeys, Writer writer) {
    return new AccessBuffer(owner, Duration.ofDays(1), batchSize, maxKeys, writer, false);
  }

  /** Records one read of {@code key} at {@code nowMillis}. */
  public void recordRead(String key, long nowMillis) {
    add(new Pending(key, 1, nowMillis));
  }

  /** Records an access without a read (a {@code touch}): raises the last access only. */
  public void recordTouch(String key, long lastAccessMillis) {
    add(new Pending(key, 0, lastAccessMillis));
  }

  private void add(Pending p) {
    if (pending.size() >= maxKeys && !pending.containsKey(p.key())) {
      dropped.increment();
      return;
    }
    pending.merge(p.key(), p, Pending::plus);
  }

  /** {@code stored} with this process's pending statistics added in; {@code null} stays null. */
  public @Nullable StoredMemory withPending(@Nullable StoredMemory stored) {
    if (stored == null) {
      return null;
    }
    Pending p = pending.get(stored.key());
    if (p == null) {
      return stored;
    }
    return new StoredMemory(
        stored.memory(),
        stored.accessCount() + p.reads(),
        Math.max(stored.lastAccessMillis(), p.lastAccessMillis()));
  }

  /**
   * Takes {@code key}'s pending statistics out, or returns {@code null}: for a backend that folds
   * them into a write of its own (and {@link #restore}s them if that write fails).
   */
  public @Nullable Pending take(String key) {
    return pending.remove(key);
  }

  /** Puts back statistics taken or drained, merged with what came in since; null is ignored. */
  public void restore(@Nullable Pending p) {
    if (p != null) {
      pending.merge(p.key(), p, Pending::plus);
    }
  }

  /** Forgets {@code key}'s pending statistics (its record was replaced by a copy). */
  public void discard(String key) {
    pending.remove(key);
  }

  /** Keys with statistics not yet written. */
  public int size() {
    return pending.size();
  }

  /** Reads not counted because the buffer held {@code maxKeys} keys. */
  public long dropped() {
    return dropped.sum();
  }

  /**
   * Writes everything recorded before the call, a batch at a time.
   *
   * @throws RuntimeException the writer's failure; that batch and the rest stay buffered
   */
  public void flush() {
    flushing.lock();
    try {
      // Bounded, so readers that keep adding keys cannot keep a flush running forever.
      int rounds = pending.size() / batchSize + 1;
      for (int i = 0; i < rounds; i++) {
        List<Pending> batch = takeBatch();
        if (batch.isEmpty()) {
          return;
        }
        try {
          writer.write(batch);
        } catch (RuntimeException e) {
          batch.forEach(this::restore);
          throw e;
        }
      }
    } finally {
      flushing.unlock();
    }
  }

  /** Up to {@code batchSize} keys, sorted so concurrent writers lock rows in the same order. */
  private List<Pending> takeBatch() {
    List<String> keys = new ArrayList<>(Math.min(batchSize, pending.size()));
    for (String key : pending.keySet()) {
      if (keys.size() >= batchSize) {
        break;
      }
      keys.add(key);
    }
    keys.sort(null);
    List<Pending> batch = new ArrayList<>(keys.size());
    for (String key : keys) {
      Pending p = pending.remove(key);
      if (p != null) {
        batch.add(p);
      }
    }
    return batch;
  }

  private void inBackground() {
    try {
      flush();
      if (failing) {
        failing = false;
        LOG.log(Level.INFO, () -> owner + ": writing access statistics works again");
      }
    } catch (RuntimeException e) {
      // Once per failure streak, not once per interval; the statistics stay buffered meanwhile.
      Level level = failing ? Level.DEBUG : Level.WARNING;
      failing = true;
      LOG.log(level, owner + ": writing access statistics failed; kept for the next flush", e);
    }
  }

  /**
   * Stops the thread (letting a flush under way finish), then writes what is left. A failure is
   * logged, not thrown: the statistics of the keys still buffered are lost. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (thread != null) {
      thread.shutdown();
      try {
        if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
          thread.shutdownNow();
        }
      } catch (InterruptedException e) {
        thread.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          owner
              + ": final write of access statistics failed; those of "
              + pending.size()
              + " keys are lost",
          e);
    }
    if (dropped.sum() > 0) {
      LOG.log(
          Level.INFO,
          owner + ": " + dropped.sum() + " reads were not counted (buffer full during an outage)");
    }
  }

  @Override
  public String toString() {
    return "AccessBuffer["
        + owner
        + ", pending="
        + pending.size()
        + ", dropped="
        + dropped.sum()
        + "]";
  }
}
