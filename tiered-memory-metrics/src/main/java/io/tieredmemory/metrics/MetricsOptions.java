package io.tieredmemory.metrics;

import io.tieredmemory.core.internal.Validation;
import java.time.Duration;
import java.util.List;

/**
 * How the Micrometer binding records.
 *
 * <pre>{@code
 * MetricsOptions options = MetricsOptions.defaults()
 *     .withNames(MetricNames.withPrefix("agent.memory"))
 *     .withStatsRefresh(Duration.ofSeconds(5));
 * }</pre>
 *
 * @param names meter names
 * @param requestBuckets histogram bucket boundaries of request latency (in-process hits take well
 *     under a microsecond, remote misses tens of milliseconds)
 * @param backendBuckets histogram bucket boundaries of backend call latency
 * @param statsRefresh how often the per-tier item and byte gauges are refreshed in the background;
 *     scrapes never call the tiers, so the gauges are at most this stale
 * @param timingSample on a store whose HOT tier is in process, one {@code get} in this many (on
 *     average, drawn at random) is timed into {@code tiered.memory.request.duration}: the timer of
 *     {@code operation="get"} is then an unbiased sample of all gets (its quantiles and mean hold;
 *     its count is about 1 in {@code timingSample} of them: take request rates from {@code
 *     tiered.memory.requests}, which counts every request exactly). 1 times every get; the default,
 *     {@value #DEFAULT_TIMING_SAMPLE}, keeps the cost of an in-process hit's metrics to a few
 *     nanoseconds (two clock reads and a histogram update cost more than the hit). Every other
 *     request, and every get of a store whose HOT tier is remote, is always timed. See {@link
 *     io.tieredmemory.core.spi.TierObserver#timingSample()}.
 */
public record MetricsOptions(
    MetricNames names,
    List<Duration> requestBuckets,
    List<Duration> backendBuckets,
    Duration statsRefresh,
    int timingSample) {

  /** The default {@link #timingSample()}: one in-process get in 64 is timed. */
  public static final int DEFAULT_TIMING_SAMPLE = 64;

  private static final List<Duration> LOCAL_TO_REMOTE =
      List.of(
          Duration.ofNanos(500),
          Duration.ofNanos(1_000),
          Duration.ofNanos(5_000),
          Duration.ofNanos(25_000),
          Duration.ofNanos(100_000),
          Duration.ofNanos(250_000),
          Duration.ofNanos(500_000),
          Duration.ofMillis(1),
          Duration.ofMillis(2),
          Duration.ofMillis(5),
          Duration.ofMillis(10),
          Duration.ofMillis(25),
          Duration.ofMillis(50),
          Duration.ofMillis(100),
          Duration.ofMillis(250),
          Duration.ofMillis(500),
          Duration.ofSeconds(1),
          Duration.ofSeconds(5));

  /** Validates every field. */
  public MetricsOptions {
    Validation.requireNonNull("names", names);
    requestBuckets = buckets("requestBuckets", requestBuckets);
    backendBuckets = buckets("backendBuckets", backendBuckets);
    Validation.requirePositive("statsRefresh", statsRefresh);
    if (timingSample < 1) {
      throw new IllegalArgumentException(
          "timingSample must be at least 1 (1: time every get), was " + timingSample);
    }
  }

  /**
   * Options with the default {@link #timingSample()} ({@value #DEFAULT_TIMING_SAMPLE}).
   *
   * @throws IllegalArgumentException as the canonical constructor
   */
  public MetricsOptions(
      MetricNames names,
      List<Duration> requestBuckets,
      List<Duration> backendBuckets,
      Duration statsRefresh) {
    this(names, requestBuckets, backendBuckets, statsRefresh, DEFAULT_TIMING_SAMPLE);
  }

  private static List<Duration> buckets(String field, List<Duration> buckets) {
    Validation.requireNonNull(field, buckets);
    if (buckets.isEmpty()) {
      throw new IllegalArgumentException(field + " must not be empty");
    }
    Duration previous = Duration.ZERO;
    for (Duration d : buckets) {
      Validation.requirePositive(field + "[i]", d);
      if (d.compareTo(previous) <= 0) {
        throw new IllegalArgumentException(field + " must be strictly increasing, was " + buckets);
      }
      previous = d;
    }
    return List.copyOf(buckets);
  }

  /**
   * Defaults: names under {@code tiered.memory}; buckets from 500 ns to 5 s (18 boundaries) for
   * both histograms; gauges refreshed every 10 s; one in-process get in {@value
   * #DEFAULT_TIMING_SAMPLE} timed.
   */
  public static MetricsOptions defaults() {
    return new MetricsOptions(
        MetricNames.defaults(), LOCAL_TO_REMOTE, LOCAL_TO_REMOTE, Duration.ofSeconds(10));
  }

  /** A copy with other names. */
  public MetricsOptions withNames(MetricNames value) {
    return new MetricsOptions(value, requestBuckets, backendBuckets, statsRefresh, timingSample);
  }

  /** A copy with another gauge refresh interval. */
  public MetricsOptions withStatsRefresh(Duration value) {
    return new MetricsOptions(names, requestBuckets, backendBuckets, value, timingSample);
  }

  /** A copy with other request latency buckets. */
  public MetricsOptions withRequestBuckets(List<Duration> value) {
    return new MetricsOptions(names, value, backendBuckets, statsRefresh, timingSample);
  }

  /** A copy with other backend latency buckets. */
  public MetricsOptions withBackendBuckets(List<Duration> value) {
    return new MetricsOptions(names, requestBuckets, value, statsRefresh, timingSample);
  }

  /**
   * A copy timing one in-process {@code get} in {@code value} (1: every one); see {@link
   * #timingSample()}.
   *
   * @throws IllegalArgumentException if {@code value} is less than 1
   */
  public MetricsOptions withTimingSample(int value) {
    return new MetricsOptions(names, requestBuckets, backendBuckets, statsRefresh, value);
  }
}
