package io.tieredmemory.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.Map;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs benchmarks through JMH itself, in this JVM, each method once: setups, parameters and
 * teardowns run as in a real run, and any exception fails the test.
 */
final class Smoke {
  private Smoke() {}

  /**
   * Runs every method of {@code benchmark} (a class) once, with {@code params} replacing the
   * defaults, and checks each produced a result.
   */
  static Collection<RunResult> runOnce(Class<?> benchmark, int methods, Map<String, String> params)
      throws RunnerException {
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .include("^" + benchmark.getName().replace(".", "\\.") + "\\.")
            .forks(0)
            .mode(Mode.SingleShotTime)
            .warmupIterations(0)
            .measurementIterations(1)
            .measurementBatchSize(1)
            .shouldFailOnError(true)
            .verbosity(org.openjdk.jmh.runner.options.VerboseMode.SILENT);
    params.forEach(options::param);
    Collection<RunResult> results = new Runner(options.build()).run();
    assertThat(results).as("results of %s", benchmark.getSimpleName()).hasSize(methods);
    for (RunResult r : results) {
      assertThat(r.getPrimaryResult().getScore())
          .as("%s", r.getParams().getBenchmark())
          .isPositive();
    }
    return results;
  }
}
