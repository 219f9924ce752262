package io.tieredmemory.spring.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code tiered-memory.metrics.*} properties: how each store's meters are named, tagged and
 * recorded ({@code MetricsOptions}). Spring Boot's own {@code management.metrics.tags.*} apply too.
 */
@ConfigurationProperties("tiered-memory.metrics")
public class TieredMemoryMetricsProperties {

  /** Prefix of every meter's name: lower-case dotted words (Prometheus: dots become '_'). */
  private String prefix = "tiered.memory";

  /**
   * How often the item and byte gauges are refreshed in the background (scrapes never call tiers).
   */
  private Duration statsRefresh = Duration.ofSeconds(10);

  /**
   * Bucket boundaries of the request latency histogram; when unset, the library's list fitted to
   * each store's tiers (in process, mixed or remote).
   */
  private @Nullable List<Duration> requestBuckets;

  /** Bucket boundaries of the backend call latency histogram; the library's when unset. */
  private @Nullable List<Duration> backendBuckets;

  /**
   * With HOT in process, one get in this many (drawn at random) is timed into the request latency
   * histogram; every request is still counted. 1 times every get.
   */
  private int timingSample = 128; // MetricsOptions.DEFAULT_TIMING_SAMPLE

  /**
   * Whether the backend duration is a Prometheus native histogram (for a Prometheus started with
   * --enable-feature=native-histograms); needs a PrometheusMeterRegistry.
   */
  private boolean nativeHistograms;

  /** Extra tags on every meter of the stores (not "store": that is the store's name). */
  private Map<String, String> tags = new LinkedHashMap<>();

  public String getPrefix() {
    return prefix;
  }

  public void setPrefix(String prefix) {
    this.prefix = prefix;
  }

  public Duration getStatsRefresh() {
    return statsRefresh;
  }

  public void setStatsRefresh(Duration statsRefresh) {
    this.statsRefresh = statsRefresh;
  }

  public @Nullable List<Duration> getRequestBuckets() {
    return requestBuckets;
  }

  public void setRequestBuckets(@Nullable List<Duration> requestBuckets) {
    this.requestBuckets = requestBuckets;
  }

  public @Nullable List<Duration> getBackendBuckets() {
    return backendBuckets;
  }

  public void setBackendBuckets(@Nullable List<Duration> backendBuckets) {
    this.backendBuckets = backendBuckets;
  }

  public int getTimingSample() {
    return timingSample;
  }

  public void setTimingSample(int timingSample) {
    this.timingSample = timingSample;
  }

  public boolean isNativeHistograms() {
    return nativeHistograms;
  }

  public void setNativeHistograms(boolean nativeHistograms) {
    this.nativeHistograms = nativeHistograms;
  }

  public Map<String, String> getTags() {
    return tags;
  }

  public void setTags(Map<String, String> tags) {
    this.tags = tags;
  }
}
