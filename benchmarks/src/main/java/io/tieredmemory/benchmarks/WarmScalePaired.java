package io.tieredmemory.benchmarks;

import java.io.PrintStream;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * The paired check of {@link WarmScaleBenchmark}, for a machine whose load drifts faster than JMH
 * iterations: both stores open at once (10k and 1M memories held, the benchmark's own tables and
 * setup), and each round times a block of {@code block} gets on one, then on the other (which goes
 * first alternates by round), then the same for puts. Prints each round's median latency per block
 * and the 1M / 10k ratio, then the median ratio over the rounds and its interquartile range. Runs
 * on {@code TM_PG_JDBC_URL}, like the benchmark:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.tieredmemory.benchmarks.WarmScalePaired [rounds] [block]
 * </pre>
 *
 * Defaults: 20 rounds of 1,000 operations per block, after 3 rounds of warm-up that are not
 * counted.
 */
public final class WarmScalePaired {
  private WarmScalePaired() {}

  /** The median ratios of one run. */
  record Ratios(double get, double put) {}

  /**
   * Runs the check.
   *
   * @param args optional: rounds (default 20), block size (default 1,000)
   */
  public static void main(String[] args) throws SQLException {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int block = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    run(10_000, 1_000_000, rounds, block, System.out);
  }

  /**
   * Runs {@code rounds} measured rounds (after 3 not counted) with {@code small} and {@code large}
   * memories held, printing to {@code out}; returns the median large / small ratios of the blocks'
   * median latencies.
   */
  static Ratios run(int small, int large, int rounds, int block, PrintStream out)
      throws SQLException {
    if (rounds < 1 || block < 1) {
      throw new IllegalArgumentException(
          "rounds and block must be >= 1, were " + rounds + " and " + block);
    }
    WarmScaleBenchmark[] stores = {new WarmScaleBenchmark(), new WarmScaleBenchmark()};
    stores[0].held = small;
    stores[1].held = large;
    stores[0].setUp();
    try {
      stores[1].setUp();
      try {
        return measure(stores, rounds, block, out);
      } finally {
        stores[1].tearDown();
      }
    } finally {
      stores[0].tearDown();
    }
  }

  private static Ratios measure(WarmScaleBenchmark[] s, int rounds, int block, PrintStream out) {
    int warmup = 3;
    double[] gets = new double[rounds];
    double[] puts = new double[rounds];
    long[] nanos = new long[block];
    double[][] p50 = new double[2][2]; // [get, put][small, large]
    for (int round = -warmup; round < rounds; round++) {
      for (int op = 0; op < 2; op++) {
        for (int k = 0; k < 2; k++) {
          int which = (round & 1) == 0 ? k : 1 - k;
          for (int i = 0; i < block; i++) {
            long start = System.nanoTime();
            if (op == 0) {
              s[which].warmGet();
            } else {
              s[which].warmPut();
            }
            nanos[i] = System.nanoTime() - start;
          }
          Arrays.sort(nanos);
          p50[op][which] = nanos[block / 2] / 1e3;
        }
      }
      if (round < 0) {
        continue;
      }
      gets[round] = p50[0][1] / p50[0][0];
      puts[round] = p50[1][1] / p50[1][0];
      out.printf(
          "round %d: get p50 %.1f / %.1f us (%.2fx), put p50 %.1f / %.1f us (%.2fx)%n",
          round + 1, p50[0][1], p50[0][0], gets[round], p50[1][1], p50[1][0], puts[round]);
    }
    Ratios r = new Ratios(quantile(gets, 0.5), quantile(puts, 0.5));
    out.printf(
        "%d held / %d held, p50 over %d rounds of %d: get median %.2fx (IQR %.2f-%.2f),"
            + " put median %.2fx (IQR %.2f-%.2f)%n",
        s[1].held,
        s[0].held,
        rounds,
        block,
        r.get(),
        quantile(gets, 0.25),
        quantile(gets, 0.75),
        r.put(),
        quantile(puts, 0.25),
        quantile(puts, 0.75));
    return r;
  }

  private static double quantile(double[] values, double q) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[(int) Math.min(v.length - 1, Math.round(q * (v.length - 1)))];
  }
}
