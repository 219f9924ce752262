package io.tieredmemory.core;

import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.spi.HistoryLog;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Records memories' histories off the request path: the paths {@link #record} an entry (under the
 * key's lock, so one instance's entries of a key are queued in the order they happened) into a
 * bounded queue; a thread of the store's own ({@code tiered-memory-history-<store>}) writes what is
 * queued to WARM's {@link HistoryLog} in batches, every {@link #IDLE_WAIT_MILLIS} ms or at once
 * when a batch is full. A full queue drops the entry and counts it ({@link #dropped()}); a write
 * that fails is kept and retried first by the next batch (bounded by the queue's capacity, beyond
 * which the oldest are dropped and counted), never thrown at a request. {@link #flush()} writes
 * everything queued so far (so an instance reads its own writes), {@link #close()} flushes and
 * stops the thread.
 *
 * <p>When off (history not wanted, or WARM keeps no log), {@link #enabled()} is false and the paths
 * record nothing: one boolean check.
 */
final class HistoryRecorder {
  private static final System.Logger LOG = System.getLogger(HistoryRecorder.class.getName());

  /** How long the writer waits between batches when the queue is not full. */
  static final long IDLE_WAIT_MILLIS = 50;

  /** The most entries one append writes. */
  static final int BATCH = 500;

  /** After a failed write, the writer waits this long before its next attempt. */
  static final long FAILURE_WAIT_MILLIS = 1_000;

  /** The most entries older than the retention one sweep removes. */
  static final int PRUNE_PER_SWEEP = 5_000;

  /** The most keys one sweep trims to {@code historyPerKey}. */
  static final int TRIM_KEYS_PER_SWEEP = 2_000;

  /** The most keys remembered as written since they were last trimmed. */
  static final int TRIM_KEYS_TRACKED = 100_000;

  private final String store;
  private final String instance;
  private final Clock clock;
  private final @Nullable HistoryLog log;
  private final String off;
  private final Duration retention;
  private final int perKey;
  private final ArrayBlockingQueue<HistoryEntry> queue;
  private final int capacity;
  private final AtomicLong dropped = new AtomicLong();
  private final ReentrantLock writing = new ReentrantLock();
  // Guarded by writing: entries whose append failed, oldest first, written before newer ones.
  private final ArrayDeque<HistoryEntry> retry = new ArrayDeque<>();
  // Guarded by writing: keys written since their last trim.
  private final Set<String> toTrim = new LinkedHashSet<>();
  private final @Nullable Thread writer;
  private volatile boolean closed;
  private volatile long notBefore;
  private boolean warned;

  private HistoryRecorder(
      String store,
      String instance,
      Clock clock,
      @Nullable HistoryLog log,
      String off,
      Duration retention,
      int perKey,
      int capacity) {
    this.store = store;
    this.instance = instance;
    this.clock = clock;
    this.log = log;
    this.off = off;
    this.retention = retention;
    this.perKey = perKey;
    this.capacity = capacity;
    this.queue = new ArrayBlockingQueue<>(Math.max(1, capacity));
    if (log != null) {
      Thread t = new Thread(this::run, "tiered-memory-history-" + store);
      t.setDaemon(true);
      this.writer = t;
    } else {
      this.writer = null;
    }
  }

  /** A recorder writing to {@code log} with its thread started. */
  static HistoryRecorder on(
      String store,
      String instance,
      Clock clock,
      HistoryLog log,
      Duration retention,
      int perKey,
      int capacity) {
    HistoryRecorder r =
        new HistoryRecorder(store, instance, clock, log, "", retention, perKey, capacity);
    if (r.writer != null) {
      r.writer.start();
    }
    return r;
  }

  /** A recorder that records nothing; {@link #read} throws {@code why}. */
  static HistoryRecorder off(String store, String instance, Clock clock, String why) {
    return new HistoryRecorder(store, instance, clock, null, why, Duration.ofDays(1), 1, 0);
  }

  boolean enabled() {
    return log != null;
  }

  String instance() {
    return instance;
  }

  /** Entries dropped since the store was built: the queue was full, or WARM kept failing. */
  long dropped() {
    return dropped.get();
  }

  /** Queues an entry at the store's clock now; never blocks, never throws. */
  void record(
      HistoryEntry.Kind kind,
      String key,
      long version,
      @Nullable Tier from,
      @Nullable Tier to,
      @Nullable MoveReason reason,
      String detail,
      Map<String, Long> inputs) {
    if (log == null) {
      return;
    }
    HistoryEntry e =
        new HistoryEntry(
            0, key, clock.instant(), instance, kind, version, from, to, reason, detail, inputs);
    if (closed || !queue.offer(e)) {
      dropped.incrementAndGet();
    }
  }

  /** Records a move under a policy decision. */
  void moved(
      String key,
      long version,
      Tier from,
      Tier to,
      MoveReason reason,
      String detail,
      Map<String, Long> inputs) {
    record(HistoryEntry.Kind.ofMove(from, to), key, version, from, to, reason, detail, inputs);
  }

  /**
   * Writes every entry queued so far (and any kept from a failed write).
   *
   * @throws TieredMemoryException if WARM failed (the entries are kept for the next write)
   */
  void flush() {
    HistoryLog l = log;
    if (l == null) {
      return;
    }
    writing.lock();
    try {
      // What is queued now, not what keeps coming: a flush under load ends.
      int target = retry.size() + queue.size();
      int written = 0;
      while (written < target && (!retry.isEmpty() || !queue.isEmpty())) {
        written += writeBatch(l);
      }
    } catch (RuntimeException e) {
      throw new TieredMemoryException(
          "store '"
              + store
              + "': the WARM tier could not store the history queued by this instance: "
              + e.getMessage(),
          e);
    } finally {
      writing.unlock();
    }
  }

  /**
   * One append of at most {@link #BATCH} entries, the oldest first; returns how many, throws if it
   * failed.
   */
  private int writeBatch(HistoryLog l) {
    List<HistoryEntry> batch = new ArrayList<>(Math.min(BATCH, retry.size() + queue.size()));
    while (batch.size() < BATCH && !retry.isEmpty()) {
      batch.add(retry.pollFirst());
    }
    if (batch.size() < BATCH) {
      queue.drainTo(batch, BATCH - batch.size());
    }
    if (batch.isEmpty()) {
      return 0;
    }
    try {
      l.append(batch);
    } catch (RuntimeException e) {
      // Kept, oldest first, ahead of anything queued since; bounded by the queue's capacity.
      for (int i = batch.size() - 1; i >= 0; i--) {
        retry.addFirst(batch.get(i));
      }
      while (retry.size() > capacity) {
        retry.pollLast();
        dropped.incrementAndGet();
      }
      throw e;
    }
    for (HistoryEntry e : batch) {
      if (toTrim.size() < TRIM_KEYS_TRACKED) {
        toTrim.add(e.key());
      }
    }
    return batch.size();
  }

  /** The writer thread: a batch whenever something is queued, waiting after failures. */
  private void run() {
    HistoryLog l = log;
    if (l == null) {
      return;
    }
    while (!closed) {
      if (System.currentTimeMillis() >= notBefore && (!queue.isEmpty() || hasRetry())) {
        writing.lock();
        try {
          writeBatch(l);
          warned = false;
        } catch (RuntimeException e) {
          notBefore = System.currentTimeMillis() + FAILURE_WAIT_MILLIS;
          LOG.log(
              warned ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING,
              () ->
                  "store '"
                      + store
                      + "': writing history to the WARM tier failed; retried in "
                      + FAILURE_WAIT_MILLIS
                      + " ms (entries are kept up to "
                      + capacity
                      + ", then dropped and counted)",
              e);
          warned = true;
        } finally {
          writing.unlock();
        }
        if (queue.size() >= BATCH) {
          continue;
        }
      }
      LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(IDLE_WAIT_MILLIS));
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
   * The newest {@code historyPerKey} entries of {@code key}, oldest first, after writing this
   * instance's queue. Entries are ordered by their time, then by the order the log stored them:
   * each instance writes in batches, so ids alone would not interleave instances by time.
   */
  List<HistoryEntry> read(String key) {
    HistoryLog l = log;
    if (l == null) {
      throw new UnsupportedOperationException(off);
    }
    flush();
    List<HistoryEntry> entries = new ArrayList<>(l.read(key, perKey));
    entries.sort(
        java.util.Comparator.comparing(HistoryEntry::at).thenComparingLong(HistoryEntry::id));
    return entries;
  }

  /**
   * One sweep's pruning: entries older than the retention (at most {@link #PRUNE_PER_SWEEP}), and
   * the keys written since their last trim cut to {@code historyPerKey} (at most {@link
   * #TRIM_KEYS_PER_SWEEP}). Throws if WARM failed; the keys not trimmed stay for the next sweep.
   */
  void prune() {
    HistoryLog l = log;
    if (l == null) {
      return;
    }
    l.pruneOlderThan(clock.instant().minus(retention), PRUNE_PER_SWEEP);
    List<String> keys = new ArrayList<>();
    writing.lock();
    try {
      for (Iterator<String> it = toTrim.iterator();
          it.hasNext() && keys.size() < TRIM_KEYS_PER_SWEEP; ) {
        keys.add(it.next());
        it.remove();
      }
    } finally {
      writing.unlock();
    }
    if (keys.isEmpty()) {
      return;
    }
    try {
      l.trim(keys, perKey);
    } catch (RuntimeException e) {
      writing.lock();
      try {
        toTrim.addAll(keys);
      } finally {
        writing.unlock();
      }
      throw e;
    }
  }

  /** Stops the writer and writes what is queued (once; a failure is logged, the rest counted). */
  void close() {
    if (log == null || closed) {
      return;
    }
    closed = true;
    Thread t = writer;
    if (t != null) {
      LockSupport.unpark(t);
      try {
        t.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      flush();
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
      dropped.addAndGet(lost);
      LOG.log(
          System.Logger.Level.WARNING,
          "store '" + store + "': history not written on close; " + lost + " entries lost",
          e);
    }
  }
}
