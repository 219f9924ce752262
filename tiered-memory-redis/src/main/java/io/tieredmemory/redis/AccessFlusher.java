package io.tieredmemory.redis;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ZAddParams;

/**
 * Writes buffered read statistics out: from a daemon thread every interval, and on demand. Per
 * batch of {@value DefaultRedisTierStore#BATCH} keys, one pipeline holds an ACCESS script per key
 * (count and last access, on present hashes only) and one ZADD XX GT raising their index scores.
 */
final class AccessFlusher {
  private static final System.Logger LOG = System.getLogger(RedisTierStore.class.getName());

  static final ZAddParams RAISE_EXISTING = ZAddParams.zAddParams().xx().gt();

  private final UnifiedJedis jedis;
  private final Keys keys;
  private final String ttlArg;
  private final AccessBuffer buffer;
  private final String owner;
  private final ReentrantLock lock = new ReentrantLock();
  private final ScheduledExecutorService thread;
  private volatile boolean failing;

  AccessFlusher(
      UnifiedJedis jedis,
      Keys keys,
      String ttlArg,
      AccessBuffer buffer,
      Duration interval,
      String owner) {
    this.jedis = jedis;
    this.keys = keys;
    this.ttlArg = ttlArg;
    this.buffer = buffer;
    this.owner = owner;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tiered-memory-redis-flusher[" + keys.prefix() + "]");
              t.setDaemon(true);
              return t;
            });
    long millis = interval.toMillis();
    thread.scheduleWithFixedDelay(this::inBackground, millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Writes everything buffered. Serialised, so a caller's flush returns only after a background
   * flush in progress has landed too.
   *
   * @throws RuntimeException the first Redis failure; what failed is back in the buffer
   */
  void flush() {
    lock.lock();
    try {
      if (buffer.isEmpty()) {
        return;
      }
      List<AccessBuffer.Pending> pending = buffer.drain();
      RuntimeException failure = null;
      for (int from = 0; from < pending.size(); from += DefaultRedisTierStore.BATCH) {
        List<AccessBuffer.Pending> batch =
            pending.subList(from, Math.min(pending.size(), from + DefaultRedisTierStore.BATCH));
        try {
          write(batch);
        } catch (RuntimeException e) {
          // Unknown which of the batch landed: put it all back. Last access is a max, so a repeat
          // is harmless; a count may be repeated (counts are approximate by contract).
          batch.forEach(buffer::restore);
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    } finally {
      lock.unlock();
    }
  }

  private void write(List<AccessBuffer.Pending> batch) {
    List<Response<Object>> answers = new ArrayList<>(batch.size());
    List<List<String>> args = new ArrayList<>(batch.size());
    Map<String, Double> scores = new HashMap<>();
    Response<Long> scored;
    try (AbstractPipeline p = jedis.pipelined()) {
      for (AccessBuffer.Pending a : batch) {
        List<String> arg = List.of(Long.toString(a.count()), Long.toString(a.lastMillis()), ttlArg);
        args.add(arg);
        answers.add(Scripts.ACCESS.queue(p, keys.memory(a.key()), arg));
        scores.put(a.key(), (double) a.lastMillis());
      }
      // XX: a key removed meanwhile is not re-added; GT: scores only rise, and stay at most the
      // hash's last access, which the script raised to at least this value.
      scored = p.zadd(keys.index(), scores, RAISE_EXISTING);
      p.sync();
    }
    for (int i = 0; i < batch.size(); i++) {
      Scripts.ACCESS.result(jedis, answers.get(i), keys.memory(batch.get(i).key()), args.get(i));
    }
    scored.get();
  }

  private void inBackground() {
    try {
      flush();
      if (failing) {
        failing = false;
        LOG.log(Level.INFO, "{0}: background flush works again", owner);
      }
    } catch (RuntimeException e) {
      // No caller to throw to: the statistics are kept (flush put them back); say so once per
      // failure streak so an outage does not flood the log every interval.
      Level level = failing ? Level.DEBUG : Level.WARNING;
      failing = true;
      LOG.log(level, owner + ": background flush failed; statistics kept for the next one", e);
    }
  }

  /** Stops the thread, waiting for a flush in progress, then flushes what is left. */
  void close() {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
    flush();
  }
}
