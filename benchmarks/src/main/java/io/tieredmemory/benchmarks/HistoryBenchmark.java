package io.tieredmemory.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tieredmemory.chroma.ChromaTierStore;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.metrics.DecisionFeed;
import io.tieredmemory.postgres.PostgresTierStore;
import io.tieredmemory.redis.RedisTierStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import redis.clients.jedis.RedisClient;

/**
 * What keeping each memory's history ({@code TieredMemory.Builder.history(true)}) costs a request:
 * {@code put} of an existing key (which queues one history entry) and {@code get} served by HOT
 * (which records nothing), with history off and on, in process and on the real tiers (Redis,
 * PostgreSQL, Chroma; the history table in PostgreSQL, written by the store's own thread in
 * batches). SampleTime, so JMH reports p50 as well as the mean. The target: on within 5% of
 * off on p50 on the real tiers (docs/benchmarks.md, "What history costs").
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 8, time = 2)
@Fork(1)
public class HistoryBenchmark {
  static final int KEYS = 512;

  /** {@code in-process} (every tier in the JVM) or {@code real} (Redis, PostgreSQL, Chroma). */
  @Param({"in-process", "real"})
  public String tiers;

  /** Whether the store keeps each memory's history. */
  @Param({"false", "true"})
  public boolean history;

  /**
   * Whether a durable decision feed with puts included ({@code DecisionFeed.Builder.durable}) is
   * attached too: each put then also queues one decision, which the feed's own thread writes to the
   * event log in WARM. Off unless asked ({@code -p durableFeed=true}).
   */
  @Param({"false"})
  public boolean durableFeed;

  private final String[] keys = new String[KEYS];
  private @Nullable RedisClient jedis;
  private @Nullable HikariDataSource pool;
  private TieredMemory store;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    String run = Long.toHexString(System.nanoTime());
    Embedder embedder = Embedder.hashing();
    TieredMemory.Builder b =
        TieredMemory.builder("bench-history")
            .embedder(embedder)
            .history(history)
            // Never moves on its own: no sweeps, no promotion (two reads within 1 ms).
            .policy(TieringPolicy.custom().promoteAfter(2, Duration.ofMillis(1)).build())
            .sweepEvery(Duration.ofDays(365))
            .discoverObservers(false);
    if (tiers.equals("real")) {
      jedis = Servers.redis();
      pool = Servers.postgres("bench-history", 8);
      b.hot(RedisTierStore.builder(jedis).prefix("tm:bench-hist:" + run + ":").build())
          .warm(
              PostgresTierStore.builder(pool).table("bench_hist_" + run).embedder(embedder).build())
          .cold(
              ChromaTierStore.builder(Servers.chroma(), embedder)
                  .collection("bench-hist-" + run)
                  .build());
    } else if (!tiers.equals("in-process")) {
      throw new IllegalArgumentException("tiers must be in-process or real, was " + tiers);
    }
    if (durableFeed) {
      b.observer(
          DecisionFeed.builder()
              .durable(true)
              .includePuts(true)
              .registry(new SimpleMeterRegistry())
              .build());
    }
    store = b.build();
    for (int i = 0; i < KEYS; i++) {
      keys[i] = "hist:" + i;
      store.put(keys[i], "the user prefers answers in French, memory number " + i);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    store.close(); // writes what history is still queued
    if (pool != null) {
      pool.close();
    }
    if (jedis != null) {
      jedis.close();
    }
  }

  private String nextKey() {
    next = (next + 1) & (KEYS - 1);
    return keys[next];
  }

  /** Rewrites a key (HOT's copy and WARM's row): with history on, queues one entry too. */
  @Benchmark
  public Object put() {
    return store.put(nextKey(), "rewritten memory, the user prefers answers in German");
  }

  /** A key HOT holds: a read that moves nothing, so history records nothing. */
  @Benchmark
  public Object get() {
    return store.get(nextKey());
  }
}
