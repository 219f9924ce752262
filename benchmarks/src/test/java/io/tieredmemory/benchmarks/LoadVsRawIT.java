package io.tieredmemory.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.benchmarks.LoadVsRaw.Op;
import io.tieredmemory.benchmarks.LoadVsRaw.Options;
import io.tieredmemory.benchmarks.LoadVsRawReport.BlockResult;
import io.tieredmemory.benchmarks.LoadVsRawReport.Report;
import io.tieredmemory.testservers.RealServers;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link LoadVsRaw} briefly on the real servers: both sides serve every operation without an
 * error, see the same data (similar get hit rates), alternate, and the report states the ratios.
 */
class LoadVsRawIT {

  @Test
  void shortRun_bothSidesServeTheMix_andTheReportComparesThem() throws Exception {
    RealServers.redisUrl();
    RealServers.postgresJdbcUrl();
    RealServers.chromaUrl();
    Options o =
        new Options(2, 2, 3, 1, 100, 11, 0.99, "moving", 0, Path.of("target", "load-vs-raw-it.md"));
    Report report = LoadVsRaw.run(o);
    assertThat(report.unexpectedErrors()).as(report.markdown()).isZero();
    assertThat(report.store()).hasSize(2);
    assertThat(report.raw()).hasSize(2);
    for (var side : java.util.List.of(report.store(), report.raw())) {
      long gets = 0;
      long hits = 0;
      for (BlockResult b : side) {
        for (Op op : Op.values()) {
          assertThat(b.sorted().get(op))
              .as("%s %s in round %d", b.side(), op, b.round())
              .isNotEmpty();
        }
        gets += b.sorted().get(Op.GET).length;
        hits += b.hits();
      }
      // 100 keys seeded, 15% deletes and 30% puts: most gets hit, some miss.
      assertThat(hits).as("get hits").isGreaterThan(gets / 2).isLessThanOrEqualTo(gets);
    }
    assertThat(report.store().get(0).round()).isZero();
    assertThat(report.raw().get(1).round()).isEqualTo(1);
    assertThat(report.throughputRatio()).isPositive().isFinite();
    String md = report.markdown();
    assertThat(md)
        .contains("| 0 | store, raw |")
        .contains("| 1 | raw, store |")
        .contains("| get |")
        .contains("| search |")
        .contains("Store: ")
        .containsPattern("\\d+ sweeps");
  }
}
