package io.tieredmemory.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.chroma.ChromaTierStore;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.KeyCoordinator;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.postgres.PostgresKeyCoordinator;
import io.tieredmemory.postgres.PostgresTierStore;
import io.tieredmemory.redis.RedisTierStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
 * What a request costs on the three real tiers (Redis, PostgreSQL, Chroma), with the in-process
 * coordinator (one instance) or PostgreSQL's advisory locks (several instances): {@code put} of an
 * existing key, {@code get} served by WARM (HOT kept empty), {@code get} of a key that exists
 * nowhere, and {@code delete} (each invocation deletes a key the setup wrote back). It measures
 * what per-key linearizability costs: every write under the key's lock, HOT's copy removed before
 * WARM changes, and a miss answered by WARM's directory alone.
 *
 * <p>It uses only API that 0.1 had too, so the same file runs against the code before and after
 * (docs/benchmarks.md, "What linearizability costs").
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 8, time = 2)
@Fork(1)
public class RequestPathBenchmark {
  static final int KEYS = 512;

  @Param({"in-process", "postgres"})
  public String coordinator;

  private final String[] keys = new String[KEYS];
  private RedisClient jedis;
  private HikariDataSource pool;
  private TieredMemory store;
  private TierStore hot;
  private String run;
  private int next;
  private int nextDelete;

  @Setup(Level.Trial)
  public void setUp() {
    run = Long.toHexString(System.nanoTime());
    jedis = Servers.redis();
    pool = Servers.postgres("bench-requests", 8);
    Embedder embedder = Embedder.hashing();
    KeyCoordinator locks =
        coordinator.equals("postgres")
            ? PostgresKeyCoordinator.builder(pool).namespace("bench-" + run).build()
            : KeyCoordinator.inProcess();
    hot = RedisTierStore.builder(jedis).prefix("tm:bench-req:" + run + ":").build();
    store =
        TieredMemory.builder("bench-requests")
            .hot(hot)
            .warm(
                PostgresTierStore.builder(pool)
                    .table("bench_req_" + run)
                    .embedder(embedder)
                    .build())
            .cold(
                ChromaTierStore.builder(Servers.chroma(), embedder)
                    .collection("bench-req-" + run)
                    .build())
            .embedder(embedder)
            .coordinator(locks)
            // Never moves on its own: no sweeps, no promotion (two reads within 1 ms).
            .policy(TieringPolicy.custom().promoteAfter(2, Duration.ofMillis(1)).build())
            .sweepEvery(Duration.ofDays(365))
            .discoverObservers(false)
            .build();
    for (int i = 0; i < KEYS; i++) {
      keys[i] = "req:" + i;
      store.put(keys[i], "the user prefers answers in French, memory number " + i);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    store.close();
    pool.close();
    jedis.close();
  }

  private String nextKey() {
    next = (next + 1) & (KEYS - 1);
    return keys[next];
  }

  /** Rewrites a key every tier path knows: the write path, whole. */
  @Benchmark
  public Object put() {
    return store.put(nextKey(), "rewritten memory, the user prefers answers in German");
  }

  /** Served by WARM: HOT's copy is removed first (not measured). */
  @Benchmark
  public Object getWarmHit(WarmOnly state) {
    return store.get(state.key);
  }

  /** A key no tier holds. */
  @Benchmark
  public Object getMiss() {
    next = (next + 1) & (KEYS - 1);
    return store.get("absent:" + next);
  }

  /** Deletes a key the invocation's setup wrote back (not measured). */
  @Benchmark
  public Object delete(Deletable state) {
    return store.delete(state.key);
  }

  /** A key present in WARM only, for one invocation. */
  @State(Scope.Thread)
  public static class WarmOnly {
    String key;

    @Setup(Level.Invocation)
    public void evictFromHot(RequestPathBenchmark b) {
      key = b.nextKey();
      b.hot.remove(key);
    }
  }

  /** A key present in HOT and WARM, for one invocation. */
  @State(Scope.Thread)
  public static class Deletable {
    String key;

    @Setup(Level.Invocation)
    public void writeBack(RequestPathBenchmark b) {
      b.nextDelete = (b.nextDelete + 1) & (KEYS - 1);
      key = "del:" + b.nextDelete;
      b.store.put(key, "a memory about to be deleted");
    }
  }
}
