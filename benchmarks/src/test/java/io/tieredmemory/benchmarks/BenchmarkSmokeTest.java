package io.tieredmemory.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Runs each benchmark method once so the benchmarks cannot rot unnoticed. */
class BenchmarkSmokeTest {

  @Test
  void hotPath_everyMethodReturnsAHit() {
    HotPathBenchmark b = new HotPathBenchmark();
    b.setUp();
    try {
      assertThat(b.rawCaffeine()).startsWith("content ");
      assertThat(b.tieredNoMetrics())
          .hasValueSatisfying(m -> assertThat(m.content()).startsWith("content "));
    } finally {
      b.tearDown();
    }
  }
}
