package io.tieredmemory.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.TieredMemory;
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

/**
 * A {@code get} hit on the in-process hot tier, against raw Caffeine {@code getIfPresent} (no
 * stats) as the baseline. The metrics variant arrives with the metrics module.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HotPathBenchmark {
  private static final int KEYS = 1024;

  private final String[] keys = new String[KEYS];
  private Cache<String, String> caffeine;
  private TieredMemory store;
  private int next;

  /** Fills both with the same keys; every benchmarked read is a hit. */
  @Setup(Level.Trial)
  public void setUp() {
    caffeine = Caffeine.newBuilder().maximumSize(10_000).build();
    store = TieredMemory.builder("bench").autoDiscover(false).build();
    for (int i = 0; i < KEYS; i++) {
      keys[i] = "memory:" + i;
      caffeine.put(keys[i], "content " + i);
      store.put(keys[i], "content " + i);
    }
  }

  /** Closes the store. */
  @TearDown(Level.Trial)
  public void tearDown() {
    store.close();
  }

  private String nextKey() {
    next = (next + 1) & (KEYS - 1);
    return keys[next];
  }

  /** The baseline. */
  @Benchmark
  public String rawCaffeine() {
    return caffeine.getIfPresent(nextKey());
  }

  /** The store with no observer attached. */
  @Benchmark
  public Optional<Memory> tieredNoMetrics() {
    return store.get(nextKey());
  }
}
