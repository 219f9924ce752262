package io.tieredmemory.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  void pairedStats_interpolatesBetweenRanks() {
    PairedStats.Spread s = PairedStats.Spread.of(new double[] {4, 1, 3, 2});
    assertThat(s.median()).isEqualTo(2.5);
    assertThat(s.q1()).isEqualTo(1.75);
    assertThat(s.q3()).isEqualTo(3.25);
    assertThat(PairedStats.quantile(new long[] {10, 20, 30}, 0.5)).isEqualTo(20.0);
    assertThat(PairedStats.Spread.of(new double[] {7}).median()).isEqualTo(7.0);
  }

  @Test
  void historyPaired_rejectsBadArgumentsBeforeConnecting() {
    assertThatThrownBy(() -> HistoryPaired.run(1, 1, 0, "off,maybe", System.out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stores")
        .hasMessageContaining("'maybe'");
    assertThatThrownBy(() -> HistoryPaired.run(1, 1, 0, "off", System.out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("from 2 to 10");
    assertThatThrownBy(() -> HistoryPaired.run(0, 10, 0, HistoryPaired.DEFAULT_STORES, System.out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rounds=0");
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
