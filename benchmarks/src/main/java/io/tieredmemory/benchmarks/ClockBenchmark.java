package io.tieredmemory.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Calibration, no target: what one clock read costs on this machine. The in-process hot path reads
 * the clock several times per request (the request timing, the access time, and Micrometer's
 * time-window rotation), so on machines with slow clock reads (virtual machines) these figures
 * explain most of {@link HotPathBenchmark}'s ratios.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ClockBenchmark {

  /** {@code System.nanoTime()}: request and backend timings. */
  @Benchmark
  public long nanoTime() {
    return System.nanoTime();
  }

  /** {@code System.currentTimeMillis()}: {@code Clock.systemUTC().millis()}, Micrometer's clock. */
  @Benchmark
  public long currentTimeMillis() {
    return System.currentTimeMillis();
  }
}
