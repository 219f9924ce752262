package io.tieredmemory.metrics;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The names of every meter, renamable as a whole by prefix. Micrometer names use dots; the
 * Prometheus registry turns them into underscores and adds {@code _total} / {@code _seconds}.
 *
 * <pre>{@code
 * MetricNames names = MetricNames.withPrefix("agent.memory");  // agent_memory_requests_total ...
 * }</pre>
 *
 * @param prefix the common prefix, default {@code tiered.memory}
 */
public record MetricNames(String prefix) {
  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");

  /** Validates the prefix: lower-case dotted words. */
  public MetricNames {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "prefix must be lower-case dotted words like 'tiered.memory', was "
              + (prefix == null ? "null" : "'" + prefix + "'"));
    }
  }

  /** The default names, prefixed {@code tiered.memory}. */
  public static MetricNames defaults() {
    return new MetricNames("tiered.memory");
  }

  /** Names under another prefix. */
  public static MetricNames withPrefix(String prefix) {
    return new MetricNames(prefix);
  }

  /** Counter: requests by operation, serving tier and result. */
  public String requests() {
    return prefix + ".requests";
  }

  /** Timer: request latency by operation. */
  public String requestDuration() {
    return prefix + ".request.duration";
  }

  /** Timer: latency of calls to remote tier backends. */
  public String backendDuration() {
    return prefix + ".backend.duration";
  }

  /** Counter: movements between tiers by from, to and reason. */
  public String movements() {
    return prefix + ".movements";
  }

  /** Timer: movement latency by from and to. */
  public String movementDuration() {
    return prefix + ".movement.duration";
  }

  /** Counter: stale copies dropped, by tier and reason. */
  public String evictions() {
    return prefix + ".evictions";
  }

  /** Gauge: memories held per tier. */
  public String items() {
    return prefix + ".items";
  }

  /** Gauge: bytes held per tier. */
  public String bytes() {
    return prefix + ".bytes";
  }

  /** Timer: sweep duration by outcome. */
  public String sweepDuration() {
    return prefix + ".sweep.duration";
  }

  /** Distribution summary: the best result's similarity per search. */
  public String searchTopSimilarity() {
    return prefix + ".search.top.similarity";
  }

  /** Counter: decisions dropped by the event feed because a client was too slow. */
  public String eventsDropped() {
    return prefix + ".events.dropped";
  }

  /** Every name, in documentation order. */
  public List<String> all() {
    return List.of(
        requests(),
        requestDuration(),
        backendDuration(),
        movements(),
        movementDuration(),
        evictions(),
        items(),
        bytes(),
        sweepDuration(),
        searchTopSimilarity(),
        eventsDropped());
  }
}
