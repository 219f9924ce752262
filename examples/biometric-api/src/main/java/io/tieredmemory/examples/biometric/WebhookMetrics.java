package io.tieredmemory.examples.biometric;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The service's own meters, beside the library's and following the same conventions: one name per
 * question, tag values from fixed sets only (the known sources or {@code unknown}; the HTTP status
 * codes the service answers with), never a user or a key.
 *
 * <p>In Prometheus:
 *
 * <pre>
 * biometric_webhook_requests_total{source="oura",status="201"} 42.0
 * biometric_webhook_request_duration_seconds_bucket{source="oura",le="0.005"} 40.0
 * biometric_webhook_request_duration_seconds_count{source="oura"} 42.0
 * </pre>
 */
final class WebhookMetrics {
  /** Counter: webhook requests by {@code source} and {@code status}. */
  static final String REQUESTS = "biometric.webhook.requests";

  /** Timer (histogram): webhook request latency by {@code source}. */
  static final String DURATION = "biometric.webhook.request.duration";

  /** From a fast in-process put to a slow remote one. */
  private static final Duration[] BUCKETS = {
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
    Duration.ofSeconds(2),
    Duration.ofSeconds(5)
  };

  private final MeterRegistry registry;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  /** Registers the latency timer of every source (and {@code unknown}) at once. */
  WebhookMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Source s : Source.values()) {
      timer(s.label());
    }
    timer(Source.UNKNOWN_LABEL);
  }

  /**
   * Counts one request and its latency.
   *
   * @param source a {@link Source#label()} or {@link Source#UNKNOWN_LABEL}
   * @param status the HTTP status answered
   */
  void record(String source, int status, long nanos) {
    String statusTag = Integer.toString(status);
    counters
        .computeIfAbsent(
            source + ' ' + statusTag,
            k ->
                Counter.builder(REQUESTS)
                    .description("Biometric webhook requests, by source and HTTP status")
                    .baseUnit("requests")
                    .tag("source", source)
                    .tag("status", statusTag)
                    .register(registry))
        .increment();
    timer(source).record(Duration.ofNanos(nanos));
  }

  private Timer timer(String source) {
    return timers.computeIfAbsent(
        source,
        s ->
            Timer.builder(DURATION)
                .description("Biometric webhook request latency, from request to response")
                .tag("source", s)
                .serviceLevelObjectives(BUCKETS)
                .register(registry));
  }
}
