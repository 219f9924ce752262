package io.tieredmemory.metrics;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The names of every meter, renamable as a whole by prefix. Micrometer names use dots; the
 * Prometheus registry turns them into underscores and adds {@code _total} / {@code _seconds}. Each
 * method's documentation gives the series it exports under the default prefix, so a name seen in
 * Prometheus or Grafana leads here by grep.
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

  /** Counter {@code tiered_memory_requests_total}: requests by operation, serving tier, result. */
  public String requests() {
    return prefix + ".requests";
  }

  /** Timer {@code tiered_memory_request_duration_seconds}: request latency by operation. */
  public String requestDuration() {
    return prefix + ".request.duration";
  }

  /**
   * Timer {@code tiered_memory_backend_duration_seconds}: calls to remote tier backends, failed or
   * not, by tier and backend operation.
   */
  public String backendDuration() {
    return prefix + ".backend.duration";
  }

  /**
   * Counter {@code tiered_memory_backend_errors_total}: calls to remote tier backends that failed,
   * by tier and backend operation.
   */
  public String backendErrors() {
    return prefix + ".backend.errors";
  }

  /** Counter {@code tiered_memory_movements_total}: movements by from, to and reason. */
  public String movements() {
    return prefix + ".movements";
  }

  /** Timer {@code tiered_memory_movement_duration_seconds}: movement latency by from, to. */
  public String movementDuration() {
    return prefix + ".movement.duration";
  }

  /** Counter {@code tiered_memory_evictions_total}: stale copies dropped, by tier and reason. */
  public String evictions() {
    return prefix + ".evictions";
  }

  /** Gauge {@code tiered_memory_items}: memories held per tier. */
  public String items() {
    return prefix + ".items";
  }

  /** Gauge {@code tiered_memory_bytes}: bytes held per tier. */
  public String bytes() {
    return prefix + ".bytes";
  }

  /** Timer {@code tiered_memory_sweep_duration_seconds}: sweep duration by outcome. */
  public String sweepDuration() {
    return prefix + ".sweep.duration";
  }

  /**
   * Gauge {@code tiered_memory_plan_pending}: the moves the last sweep found due when it planned,
   * by {@code reason} ({@code hot_idle}, {@code hot_capacity}, {@code warm_idle}, {@code
   * stale_copy}): the totals of {@code TieredMemory.plan()} at that instant, the backlog each sweep
   * sets out to clear.
   */
  public String planPending() {
    return prefix + ".plan.pending";
  }

  /** Summary {@code tiered_memory_search_top_similarity_percent}: best similarity per search. */
  public String searchTopSimilarity() {
    return prefix + ".search.top.similarity";
  }

  /**
   * Summary {@code tiered_memory_recall_results}: memories returned per recall (every search, and
   * each get through a chat memory adapter), by {@code source} ({@code api}, {@code langchain4j},
   * {@code langchain4j-chat}, {@code spring-ai}, {@code spring-ai-chat}, {@code other}).
   */
  public String recallResults() {
    return prefix + ".recall.results";
  }

  /**
   * Counter {@code tiered_memory_recalled_total}: memories returned by recalls, by the {@code tier}
   * that served each (the share each tier serves of what the agent recalls).
   */
  public String recalled() {
    return prefix + ".recalled";
  }

  /** Counter {@code tiered_memory_events_dropped_total}: decisions a feed dropped (slow client). */
  public String eventsDropped() {
    return prefix + ".events.dropped";
  }

  /**
   * Function counter {@code tiered_memory_history_dropped_total}: history entries a store could not
   * queue for WARM (its history queue full), from {@code TieredMemory.historyDropped()}; 0 while
   * history is off.
   */
  public String historyDropped() {
    return prefix + ".history.dropped";
  }

  /**
   * Function counter {@code tiered_memory_read_moves_dropped_total}: moves that reads caused and a
   * store did not make off the reading thread (too many waiting), from {@code
   * TieredMemory.readMovesDropped()}. Nothing is lost: the memory stays where it is.
   */
  public String readMovesDropped() {
    return prefix + ".read.moves.dropped";
  }

  /** Every name, in documentation order. */
  public List<String> all() {
    return List.of(
        requests(),
        requestDuration(),
        backendDuration(),
        backendErrors(),
        movements(),
        movementDuration(),
        evictions(),
        items(),
        bytes(),
        sweepDuration(),
        planPending(),
        searchTopSimilarity(),
        recallResults(),
        recalled(),
        historyDropped(),
        readMovesDropped(),
        eventsDropped());
  }
}
