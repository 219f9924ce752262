package io.tieredmemory.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.testservers.RealServers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.RunnerException;

/**
 * Runs each benchmark that needs a real server once (Redis, PostgreSQL, Chroma, started by {@code
 * ./scripts/test.sh} or {@code ./scripts/bench.sh}); fails, never skips, when one is missing.
 */
class BenchmarkSmokeIT {

  @Test
  void redisHot_runsInJmh() throws RunnerException {
    RealServers.redisUrl();
    Smoke.runOnce(RedisHotBenchmark.class, 3, Map.of());
  }

  @Test
  void redisHotPaired_runsAndPrintsEveryRound() {
    RealServers.redisUrl();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    double median =
        RedisHotPaired.run(3, 20, new PrintStream(printed, true, StandardCharsets.UTF_8));
    assertThat(median).isPositive().isFinite();
    String text = printed.toString(StandardCharsets.UTF_8);
    assertThat(text.lines().filter(l -> l.startsWith("round "))).hasSize(3);
    assertThat(text).contains("store/raw over 3 rounds of 20 + 20: median");
  }

  @Test
  void historyPaired_printsEveryRoundAndFiniteRatios() {
    RealServers.redisUrl();
    RealServers.postgresJdbcUrl();
    RealServers.chromaUrl();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    HistoryPaired.Result result =
        HistoryPaired.run(
            3,
            10,
            1,
            HistoryPaired.DEFAULT_STORES,
            new PrintStream(printed, true, StandardCharsets.UTF_8));
    assertThat(result.put()).containsOnlyKeys("on", "on+feed", "off2");
    assertThat(result.get()).containsOnlyKeys("on", "on+feed", "off2");
    for (PairedStats.Spread s :
        List.of(result.put(), result.get()).stream().flatMap(m -> m.values().stream()).toList()) {
      assertThat(s.median()).isPositive().isFinite();
      assertThat(s.q1()).isPositive().isLessThanOrEqualTo(s.median());
      assertThat(s.q3()).isFinite().isGreaterThanOrEqualTo(s.median());
    }
    String text = printed.toString(StandardCharsets.UTF_8);
    assertThat(text.lines().filter(l -> l.startsWith("round "))).hasSize(6);
    assertThat(text)
        .contains("put over 3 rounds of 10, median of the blocks' p50 (p99): off ")
        .contains("get p50 ratio to off, median over rounds: on/off ")
        .contains(", off2/off ")
        .contains("history entries dropped: on 0, on+feed 0");
  }

  @Test
  void warm_runsInJmh() throws RunnerException {
    RealServers.postgresJdbcUrl();
    Smoke.runOnce(WarmBenchmark.class, 2, Map.of());
  }

  @Test
  void archive_runsInJmh() throws RunnerException {
    RealServers.chromaUrl();
    Smoke.runOnce(ArchiveBenchmark.class, 2, Map.of("batch", "20"));
  }

  @Test
  void requestPath_runsInJmh() throws RunnerException {
    RealServers.redisUrl();
    RealServers.postgresJdbcUrl();
    RealServers.chromaUrl();
    Smoke.runOnce(RequestPathBenchmark.class, 4, Map.of("coordinator", "postgres"));
  }

  @Test
  void warmScale_runsInJmh() throws RunnerException {
    RealServers.postgresJdbcUrl();
    Smoke.runOnce(WarmScaleBenchmark.class, 2, Map.of("held", "10000"));
  }

  @Test
  void warmScalePaired_printsEveryRoundAndTheMedians() throws Exception {
    RealServers.postgresJdbcUrl();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    WarmScalePaired.Ratios r =
        WarmScalePaired.run(
            10_000, 20_000, 3, 20, new PrintStream(printed, true, StandardCharsets.UTF_8));
    assertThat(r.get()).isPositive().isFinite();
    assertThat(r.put()).isPositive().isFinite();
    String text = printed.toString(StandardCharsets.UTF_8);
    assertThat(text.lines().filter(l -> l.startsWith("round "))).hasSize(3);
    assertThat(text).contains("20000 held / 10000 held, p50 over 3 rounds of 20: get median");
  }

  @Test
  void sweepScaling_postgres_runsInJmh() throws RunnerException {
    RealServers.postgresJdbcUrl();
    Smoke.runOnce(SweepScalingBenchmark.class, 1, Map.of("backend", "postgres", "held", "10000"));
  }
}
