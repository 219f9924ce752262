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
 */
public record MetricsOptions(
    MetricNames names,
    List<Duration> requestBuckets,
    List<Duration> backendBuckets,
    Duration statsRefresh) {

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
   * both histograms; gauges refreshed every 10 s.
   */
  public static MetricsOptions defaults() {
    return new MetricsOptions(
        MetricNames.defaults(), LOCAL_TO_REMOTE, LOCAL_TO_REMOTE, Duration.ofSeconds(10));
  }

  /** A copy with other names. */
  public MetricsOptions withNames(MetricNames value) {
    return new MetricsOptions(value, requestBuckets, backendBuckets, statsRefresh);
  }

  /** A copy with another gauge refresh interval. */
  public MetricsOptions withStatsRefresh(Duration value) {
    return new MetricsOptions(names, requestBuckets, backendBuckets, value);
  }

  /** A copy with other request latency buckets. */
  public MetricsOptions withRequestBuckets(List<Duration> value) {
    return new MetricsOptions(names, value, backendBuckets, statsRefresh);
  }

  /** A copy with other backend latency buckets. */
  public MetricsOptions withBackendBuckets(List<Duration> value) {
    return new MetricsOptions(names, requestBuckets, value, statsRefresh);
  }
}
