package io.tieredmemory.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.RunnerException;

/**
 * Runs each in-process benchmark method once so the benchmarks cannot rot unnoticed (the ones that
 * need servers are in {@link BenchmarkSmokeIT}).
 */
class BenchmarkSmokeTest {

  @Test
  void hotPath_everyMethodReturnsAHit() {
    HotPathBenchmark b = new HotPathBenchmark();
    HotPathBenchmark.Cursor cursor = new HotPathBenchmark.Cursor();
    b.setUp();
    cursor.setUp();
    try {
      assertThat(b.rawCaffeine(cursor)).startsWith("content ");
      assertThat(b.caffeineExpireAfterAccess(cursor)).startsWith("content ");
      assertThat(b.caffeineBookkeeping(cursor)).startsWith("content ");
      assertThat(b.caffeineBookkeeping.stats().hitCount()).isEqualTo(1);
      assertThat(b.tieredNoMetrics(cursor))
          .hasValueSatisfying(m -> assertThat(m.content()).startsWith("content "));
      assertThat(b.tieredWithMetrics(cursor))
          .hasValueSatisfying(m -> assertThat(m.content()).startsWith("content "));
      assertThat(b.registry.scrape())
          .contains("tiered_memory_requests_total{operation=\"get\",result=\"hit\"")
          .contains("store=\"bench-metered\"");
    } finally {
      b.tearDown();
    }
  }

  @Test
  void hotPathPaired_runsBothThreadCounts() throws Exception {
    HotPathPaired.main(new String[] {"1", "1"});
    HotPathPaired.main(new String[] {"2", "1"});
  }

  @Test
  void hotPath_runsInJmh() throws RunnerException {
    Smoke.runOnce(HotPathBenchmark.class, 5, Map.of());
    Smoke.runOnce(HotPathTwoThreadsBenchmark.class, 5, Map.of());
  }

  @Test
  void clock_runsInJmh() throws RunnerException {
    Smoke.runOnce(ClockBenchmark.class, 2, Map.of());
  }

  @Test
  void scrape_runsInJmh() throws RunnerException {
    Smoke.runOnce(ScrapeBenchmark.class, 1, Map.of());
  }

  @Test
  void sweepScaling_inProcess_runsInJmh() throws RunnerException {
    Smoke.runOnce(SweepScalingBenchmark.class, 1, Map.of("backend", "in-process", "held", "10000"));
  }
}
