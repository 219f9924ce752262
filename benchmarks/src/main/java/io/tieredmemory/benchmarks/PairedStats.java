package io.tieredmemory.benchmarks;

import java.util.Arrays;

/**
 * The order statistics the paired checks ({@link RedisHotPaired}, {@link HistoryPaired}) print:
 * quantiles by linear interpolation between the closest ranks, and a median with its interquartile
 * range.
 */
final class PairedStats {
  private PairedStats() {}

  /** A median and its interquartile range (the 25th and 75th percentiles). */
  record Spread(double median, double q1, double q3) {
    /** The spread of {@code values} (not modified; at least one). */
    static Spread of(double[] values) {
      double[] sorted = values.clone();
      Arrays.sort(sorted);
      return new Spread(quantile(sorted, 0.5), quantile(sorted, 0.25), quantile(sorted, 0.75));
    }
  }

  /** Quantile {@code q} (0 to 1) of an ascending, non-empty array. */
  static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }

  /** Quantile {@code q} (0 to 1) of an ascending, non-empty array. */
  static double quantile(long[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }
}
