package io.tieredmemory.benchmarks;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.metrics.TieredMemoryMetrics;
import io.tieredmemory.redis.RedisTierStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import redis.clients.jedis.RedisClient;

/**
 * A HOT hit on real Redis. Baseline {@code rawJedisGet}: the round trip the store makes for a hot
 * hit, one HMGET of the memory's hash with the same fields, on the same {@code RedisClient} pool.
 * {@code tieredRedisGet}: {@code get} through a store whose HOT tier is {@code RedisTierStore} (no
 * observer). {@code tieredRedisGetWithMetrics}: the same with the Micrometer observer, for
 * information (no target). {@link RedisHotPaired} is the paired check of the first two, which
 * resists drift between iterations.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(2)
public class RedisHotBenchmark {
  static final int KEYS = 1024;

  /** The fields {@code RedisTierStore.read} asks for (its hash layout: docs/backends/redis.md). */
  static final String[] READ_FIELDS = {"v", "c", "m", "ca", "ua", "e"};

  private final String[] keys = new String[KEYS];
  private final String[] hashes = new String[KEYS];
  private RedisClient jedis;
  private String prefix;
  private RedisTierStore hot;
  private RedisTierStore meteredHot;
  private TieredMemory store;
  private TieredMemory metered;
  private PrometheusMeterRegistry registry;
  private int next;

  /** Writes the keys through each store (WARM in process, HOT on Redis); checks the raw layout. */
  @Setup(Level.Trial)
  public void setUp() {
    jedis = Servers.redis();
    prefix = "tm:bench:" + Long.toHexString(System.nanoTime()) + ":";
    hot = RedisTierStore.builder(jedis).prefix(prefix).build();
    store =
        TieredMemory.builder("bench-redis")
            // each put's HOT copy is made before put returns: the check below reads Redis right
            // after, and every get measured is a HOT hit (a HOT hit makes no move either way)
            .readMoves(ReadMoves.CALLER)
            .hot(hot)
            .disableScheduledSweeps()
            .discoverObservers(false)
            .build();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    meteredHot = RedisTierStore.builder(jedis).prefix(prefix + "metered:").build();
    metered =
        TieredMemory.builder("bench-redis-metered")
            .readMoves(ReadMoves.CALLER)
            .hot(meteredHot)
            .disableScheduledSweeps()
            .discoverObservers(false)
            .observer(TieredMemoryMetrics.of(registry))
            .build();
    for (int i = 0; i < KEYS; i++) {
      keys[i] = "memory:" + i;
      hashes[i] = prefix + "m:" + keys[i];
      String content = "content of memory " + i + ", a sentence of ordinary length for an agent";
      store.put(keys[i], content);
      metered.put(keys[i], content);
    }
    List<String> raw = jedis.hmget(hashes[0], READ_FIELDS);
    if (raw.get(0) == null || !raw.get(1).startsWith("content of memory 0")) {
      throw new IllegalStateException(
          "the raw baseline no longer reads what RedisTierStore writes: HMGET "
              + hashes[0]
              + " gave "
              + raw);
    }
  }

  /** Drops the keys the stores wrote and closes everything. */
  @TearDown(Level.Trial)
  public void tearDown() {
    try {
      store.close();
      metered.close();
      hot.close();
      meteredHot.close();
      List<String> all = new ArrayList<>();
      for (String p : List.of(prefix, prefix + "metered:")) {
        for (String k : keys) {
          all.add(p + "m:" + k);
        }
        all.add(p + "lru");
        all.add(p + "bytes");
      }
      jedis.del(all.toArray(new String[0]));
    } finally {
      registry.close();
      jedis.close();
    }
  }

  private int advance() {
    next = (next + 1) & (KEYS - 1);
    return next;
  }

  /** The baseline: one HMGET of the memory's hash. */
  @Benchmark
  public List<String> rawJedisGet() {
    return jedis.hmget(hashes[advance()], READ_FIELDS);
  }

  /** A HOT hit through the store. */
  @Benchmark
  public Optional<Memory> tieredRedisGet() {
    return store.get(keys[advance()]);
  }

  /** A HOT hit through the store with metrics (informational). */
  @Benchmark
  public Optional<Memory> tieredRedisGetWithMetrics() {
    return metered.get(keys[advance()]);
  }
}
