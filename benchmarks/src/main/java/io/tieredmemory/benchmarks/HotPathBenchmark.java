package io.tieredmemory.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.metrics.TieredMemoryMetrics;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A {@code get} hit on the in-process hot tier, one thread ({@link HotPathTwoThreadsBenchmark}:
 * two). Baseline: raw Caffeine {@code getIfPresent}, no stats. {@code tieredNoMetrics}: a store
 * with no observer. {@code tieredWithMetrics}: the same store bound to a Prometheus registry with
 * {@code TieredMemoryMetrics.of(registry)}. Both stores hold the same keys, and every read is a HOT
 * hit. Run with {@code -prof gc}: the metrics must add no allocation. {@code
 * caffeineExpireAfterAccess} is for information: Caffeine keeping an access time per entry; {@code
 * caffeineBookkeeping} adds Caffeine's own statistics ({@code recordStats}), the comparable
 * baseline {@code tieredWithMetrics} is held to.
 *
 * <p>The annotations are the publication settings ({@code ./scripts/bench.sh --full}); the quick
 * profile shortens them on the command line.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(2)
@Threads(1)
public class HotPathBenchmark {
  static final int KEYS = 1024;

  final String[] keys = new String[KEYS];
  Cache<String, String> caffeine;
  Cache<String, String> caffeineTimed;
  Cache<String, String> caffeineBookkeeping;
  TieredMemory plain;
  TieredMemory metered;
  PrometheusMeterRegistry registry;

  /** Each thread walks the keys from its own random start, so threads do not read in lockstep. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    /** A random start. */
    @Setup(Level.Trial)
    public void setUp() {
      next = ThreadLocalRandom.current().nextInt(KEYS);
    }

    int advance() {
      next = (next + 1) & (KEYS - 1);
      return next;
    }
  }

  /** Fills the cache and both stores with the same keys; every benchmarked read is a hit. */
  @Setup(Level.Trial)
  public void setUp() {
    caffeine = Caffeine.newBuilder().maximumSize(10_000).build();
    caffeineTimed =
        Caffeine.newBuilder().maximumSize(10_000).expireAfterAccess(Duration.ofDays(1)).build();
    caffeineBookkeeping =
        Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterAccess(Duration.ofDays(1))
            .recordStats()
            .build();
    plain =
        TieredMemory.builder("bench-plain")
            .disableScheduledSweeps()
            .discoverObservers(false)
            .build();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metered =
        TieredMemory.builder("bench-metered")
            .disableScheduledSweeps()
            .discoverObservers(false)
            .observer(TieredMemoryMetrics.of(registry))
            .build();
    for (int i = 0; i < KEYS; i++) {
      keys[i] = "memory:" + i;
      caffeine.put(keys[i], "content " + i);
      caffeineTimed.put(keys[i], "content " + i);
      caffeineBookkeeping.put(keys[i], "content " + i);
      plain.put(keys[i], "content " + i);
      metered.put(keys[i], "content " + i);
    }
  }

  /** Closes the stores and the registry. */
  @TearDown(Level.Trial)
  public void tearDown() {
    plain.close();
    metered.close();
    registry.close();
  }

  /** The baseline. */
  @Benchmark
  public String rawCaffeine(Cursor cursor) {
    return caffeine.getIfPresent(keys[cursor.advance()]);
  }

  /**
   * For information (no target): Caffeine when it, too, keeps an access time per entry ({@code
   * expireAfterAccess}, one ticker read per read), as the store must for its idle rules.
   */
  @Benchmark
  public String caffeineExpireAfterAccess(Cursor cursor) {
    return caffeineTimed.getIfPresent(keys[cursor.advance()]);
  }

  /**
   * The bookkeeping baseline: Caffeine keeping an access time per entry ({@code expireAfterAccess})
   * and counting hits and misses ({@code recordStats}, striped counters), comparable to what the
   * store with metrics does on a hit (stamp the access time, count the request). The target: {@code
   * tieredWithMetrics} below this, measured in the same run.
   */
  @Benchmark
  public String caffeineBookkeeping(Cursor cursor) {
    return caffeineBookkeeping.getIfPresent(keys[cursor.advance()]);
  }

  /** The store with no observer attached. */
  @Benchmark
  public Optional<Memory> tieredNoMetrics(Cursor cursor) {
    return plain.get(keys[cursor.advance()]);
  }

  /** The store with the Micrometer observer on a Prometheus registry. */
  @Benchmark
  public Optional<Memory> tieredWithMetrics(Cursor cursor) {
    return metered.get(keys[cursor.advance()]);
  }
}
