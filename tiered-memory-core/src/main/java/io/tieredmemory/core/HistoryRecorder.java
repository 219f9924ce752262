package io.tieredmemory.core;

import io.tieredmemory.core.internal.BatchWriter;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.spi.HistoryLog;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Records memories' histories off the request path: the paths {@link #record} an entry (under the
 * key's lock, so one instance's entries of a key are queued in the order they happened) into a
 * bounded queue; a thread of the store's own ({@code tiered-memory-history-<store>}, a {@link
 * BatchWriter}) writes what is queued to WARM's {@link HistoryLog} in batches, every {@link
 * #IDLE_WAIT_MILLIS} ms or at once when a batch is full. A full queue drops the entry and counts it
 * ({@link #dropped()}); a write that fails is kept and retried first by the next batch (bounded by
 * the queue's capacity, beyond which the oldest are dropped and counted), never thrown at a
 * request. {@link #flush()} writes everything queued so far (so an instance reads its own writes),
 * {@link #close()} flushes and stops the thread.
 *
 * <p>When off (history not wanted, or WARM keeps no log), {@link #enabled()} is false and the paths
 * record nothing: one boolean check.
 */
final class HistoryRecorder {
  /** How long the writer waits between batches when the queue is not full. */
  static final long IDLE_WAIT_MILLIS = 50;

  /** The most entries one append writes. */
  static final int BATCH = 500;

  /** After a failed write, the writer waits this long before its next attempt. */
  static final long FAILURE_WAIT_MILLIS = BatchWriter.FAILURE_WAIT_MILLIS;

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
  private final AtomicLong dropped = new AtomicLong();
  // Keys written since their last trim; guarded by itself.
  private final Set<String> toTrim = new LinkedHashSet<>();
  private final @Nullable BatchWriter<HistoryEntry> writer;

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
    this.writer =
        log == null
            ? null
            : new BatchWriter<>(
                "store '" + store + "': history",
                "tiered-memory-history-" + store,
                capacity,
                BATCH,
                IDLE_WAIT_MILLIS,
                entries -> {
                  log.append(entries);
                  synchronized (toTrim) {
                    for (HistoryEntry e : entries) {
                      if (toTrim.size() < TRIM_KEYS_TRACKED) {
                        toTrim.add(e.key());
                      }
                    }
                  }
                },
                dropped::addAndGet);
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
    return new HistoryRecorder(store, instance, clock, log, "", retention, perKey, capacity);
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
    BatchWriter<HistoryEntry> w = writer;
    if (w == null) {
      return;
    }
    w.offer(
        new HistoryEntry(
            0, key, clock.instant(), instance, kind, version, from, to, reason, detail, inputs));
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
    BatchWriter<HistoryEntry> w = writer;
    if (w == null) {
      return;
    }
    try {
      w.flush();
    } catch (RuntimeException e) {
      throw new TieredMemoryException(
          "store '"
              + store
              + "': the WARM tier could not store the history queued by this instance: "
              + e.getMessage(),
          e);
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
    synchronized (toTrim) {
      for (Iterator<String> it = toTrim.iterator();
          it.hasNext() && keys.size() < TRIM_KEYS_PER_SWEEP; ) {
        keys.add(it.next());
        it.remove();
      }
    }
    if (keys.isEmpty()) {
      return;
    }
    try {
      l.trim(keys, perKey);
    } catch (RuntimeException e) {
      synchronized (toTrim) {
        toTrim.addAll(keys);
      }
      throw e;
    }
  }

  /** Stops the writer and writes what is queued (once; a failure is logged, the rest counted). */
  void close() {
    BatchWriter<HistoryEntry> w = writer;
    if (w != null) {
      w.close();
    }
  }
}
