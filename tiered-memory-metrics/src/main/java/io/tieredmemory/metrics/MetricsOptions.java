package io.tieredmemory.metrics;

import io.tieredmemory.core.internal.Validation;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

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
 * @param requestBuckets histogram bucket boundaries of request, movement and sweep latency, or null
 *     (the default) for a list fitted to each store's tiers: {@link #IN_PROCESS_BUCKETS} when all
 *     are in process, {@link #MIXED_BUCKETS} when HOT is in process and another tier remote, {@link
 *     #REMOTE_BUCKETS} when HOT is remote
 * @param backendBuckets histogram bucket boundaries of the time of one call to a remote tier
 *     ({@link #BACKEND_BUCKETS} by default); in-process tiers have no backend timers
 * @param statsRefresh how often the per-tier item and byte gauges are refreshed in the background;
 *     scrapes never call the tiers, so the gauges are at most this stale
 * @param timingSample on a store whose HOT tier is in process, one {@code get} in this many (on
 *     average, drawn at random) is timed into {@code tiered.memory.request.duration}: the timer of
 *     {@code operation="get"} is then an unbiased sample of all gets (its quantiles and mean hold;
 *     its count is about 1 in {@code timingSample} of them: take request rates from {@code
 *     tiered.memory.requests}, which counts every request exactly). 1 times every get; the default,
 *     {@value #DEFAULT_TIMING_SAMPLE}, keeps the cost of an in-process hit's metrics under 5
 *     nanoseconds (two clock reads and a histogram update cost more than the hit). Every other
 *     request, and every get of a store whose HOT tier is remote, is always timed. See {@link
 *     io.tieredmemory.core.spi.TierObserver#timingSample()}.
 * @param nativeHistograms whether the backend duration is a Prometheus native histogram instead of
 *     a classic one (off by default): for a Prometheus started with {@code
 *     --enable-feature=native-histograms}, which scrapes the protobuf format; then {@code
 *     backendBuckets} is not used, and the text format has only each series' count and sum. Needs a
 *     {@code PrometheusMeterRegistry} (itself or in a composite); without one it has no effect.
 */
public record MetricsOptions(
    MetricNames names,
    @Nullable List<Duration> requestBuckets,
    List<Duration> backendBuckets,
    Duration statsRefresh,
    int timingSample,
    boolean nativeHistograms) {

  /**
   * The default {@link #timingSample()}: one in-process get in 128 is timed. A timed get costs
   * about 120 ns more than an untimed one (two clock reads and a histogram update, measured with
   * {@code HotPathPaired}), so 1 in 128 adds about 1 ns per get; 1,000 gets a second still give
   * about 470 timed gets a minute.
   */
  public static final int DEFAULT_TIMING_SAMPLE = 128;

  /**
   * Request buckets of a store whose tiers are all in process: hits take about a microsecond, a
   * sweep milliseconds (7 boundaries, 1 µs to 1 s).
   */
  public static final List<Duration> IN_PROCESS_BUCKETS =
      List.of(
          Duration.ofNanos(1_000),
          Duration.ofNanos(10_000),
          Duration.ofNanos(100_000),
          Duration.ofMillis(1),
          Duration.ofMillis(10),
          Duration.ofMillis(100),
          Duration.ofSeconds(1));

  /**
   * Request buckets of a store with an in-process HOT tier and a remote WARM or COLD: HOT hits in
   * microseconds, the rest in milliseconds (9 boundaries, 1 µs to 1 s).
   */
  public static final List<Duration> MIXED_BUCKETS =
      List.of(
          Duration.ofNanos(1_000),
          Duration.ofNanos(10_000),
          Duration.ofNanos(100_000),
          Duration.ofNanos(500_000),
          Duration.ofMillis(1),
          Duration.ofMillis(5),
          Duration.ofMillis(25),
          Duration.ofMillis(100),
          Duration.ofSeconds(1));

  /**
   * Request buckets of a store with a remote HOT tier: every request is a network round trip or
   * more, a sweep up to seconds (7 boundaries, 250 µs to 5 s).
   */
  public static final List<Duration> REMOTE_BUCKETS =
      List.of(
          Duration.ofNanos(250_000),
          Duration.ofMillis(1),
          Duration.ofMillis(5),
          Duration.ofMillis(25),
          Duration.ofMillis(100),
          Duration.ofMillis(500),
          Duration.ofSeconds(5));

  /**
   * Buckets of one call to a remote tier (Redis, PostgreSQL, Chroma): from a loopback round trip to
   * a slow search (6 boundaries, 100 µs to 250 ms).
   */
  public static final List<Duration> BACKEND_BUCKETS =
      List.of(
          Duration.ofNanos(100_000),
          Duration.ofNanos(500_000),
          Duration.ofMillis(1),
          Duration.ofMillis(5),
          Duration.ofMillis(25),
          Duration.ofMillis(250));

  /**
   * Options with the default {@link #timingSample()} ({@value #DEFAULT_TIMING_SAMPLE}) and classic
   * histograms only ({@code nativeHistograms} false).
   *
   * @throws IllegalArgumentException as the canonical constructor
   */
  public MetricsOptions(
      MetricNames names,
      @Nullable List<Duration> requestBuckets,
      List<Duration> backendBuckets,
      Duration statsRefresh) {
    this(names, requestBuckets, backendBuckets, statsRefresh, DEFAULT_TIMING_SAMPLE, false);
  }

  /** Validates every field. */
  public MetricsOptions {
    Validation.requireNonNull("names", names);
    requestBuckets = requestBuckets == null ? null : buckets("requestBuckets", requestBuckets);
    backendBuckets = buckets("backendBuckets", backendBuckets);
    Validation.requirePositive("statsRefresh", statsRefresh);
    if (timingSample < 1) {
      throw new IllegalArgumentException(
          "timingSample must be at least 1 (1: time every get), was " + timingSample);
    }
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
   * Defaults: names under {@code tiered.memory}; request buckets fitted to each store's tiers,
   * {@link #BACKEND_BUCKETS} for backend calls; gauges refreshed every 10 s.
   */
  public static MetricsOptions defaults() {
    return new MetricsOptions(
        MetricNames.defaults(), null, BACKEND_BUCKETS, Duration.ofSeconds(10));
  }

  /**
   * The request buckets of a store: {@link #requestBuckets()} if set, else the list fitted to its
   * tiers.
   *
   * @param hotRemote whether the store's HOT tier is remote
   * @param anyRemote whether any of its tiers is remote
   */
  public List<Duration> requestBucketsFor(boolean hotRemote, boolean anyRemote) {
    if (requestBuckets != null) {
      return requestBuckets;
    }
    if (hotRemote) {
      return REMOTE_BUCKETS;
    }
    return anyRemote ? MIXED_BUCKETS : IN_PROCESS_BUCKETS;
  }

  /** A copy with other names. */
  public MetricsOptions withNames(MetricNames value) {
    return new MetricsOptions(
        value, requestBuckets, backendBuckets, statsRefresh, timingSample, nativeHistograms);
  }

  /** A copy with another gauge refresh interval. */
  public MetricsOptions withStatsRefresh(Duration value) {
    return new MetricsOptions(
        names, requestBuckets, backendBuckets, value, timingSample, nativeHistograms);
  }

  /** A copy with the backend duration as a native histogram, or not (see the record's javadoc). */
  public MetricsOptions withNativeHistograms(boolean value) {
    return new MetricsOptions(
        names, requestBuckets, backendBuckets, statsRefresh, timingSample, value);
  }

  /** A copy with other request latency buckets, for every store (not fitted to its tiers). */
  public MetricsOptions withRequestBuckets(List<Duration> value) {
    return new MetricsOptions(
        names, value, backendBuckets, statsRefresh, timingSample, nativeHistograms);
  }

  /** A copy with other backend latency buckets. */
  public MetricsOptions withBackendBuckets(List<Duration> value) {
    return new MetricsOptions(
        names, requestBuckets, value, statsRefresh, timingSample, nativeHistograms);
  }

  /**
   * A copy timing one in-process {@code get} in {@code value} (1: every get; see {@link
   * #timingSample()}).
   *
   * @throws IllegalArgumentException if {@code value} is below 1
   */
  public MetricsOptions withTimingSample(int value) {
    return new MetricsOptions(
        names, requestBuckets, backendBuckets, statsRefresh, value, nativeHistograms);
  }
}
