package io.tieredmemory.core.policy;

import io.tieredmemory.core.HistoryEntry;
import io.tieredmemory.core.internal.Durations;
import io.tieredmemory.core.internal.Validation;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Promote a memory from WARM to HOT once it has been read {@code reads} times within {@code
 * window}. Reads are counted per store instance, in process.
 *
 * <pre>{@code
 * PromotionRule rule = new PromotionRule(3, Duration.ofMinutes(10)); // "3 reads in 10m"
 * }</pre>
 *
 * @param reads reads needed, 1 to {@value #MAX_READS} (1 promotes on the first warm read), or
 *     {@link #NEVER}
 * @param window the window the reads must fall in, positive
 */
public record PromotionRule(int reads, Duration window) {
  /** {@link #reads()} of a rule that never promotes. */
  public static final int NEVER = Integer.MAX_VALUE;

  /** The most reads a rule may ask for (each tracked key keeps its last {@code reads} times). */
  public static final int MAX_READS = 64;

  /** Validates both fields. */
  public PromotionRule {
    if (reads != NEVER && (reads < 1 || reads > MAX_READS)) {
      throw new IllegalArgumentException(
          "promotion.reads must be between 1 and "
              + MAX_READS
              + " (or PromotionRule.NEVER), was "
              + reads);
    }
    Validation.requirePositive("promotion.window", window);
  }

  /** A rule that never promotes: WARM reads stay WARM reads. */
  public static PromotionRule never() {
    return new PromotionRule(NEVER, Duration.ofDays(1));
  }

  /** Whether this rule can ever promote. */
  public boolean enabled() {
    return reads != NEVER;
  }

  /** The default: 3 reads within 10 minutes. */
  public static PromotionRule defaults() {
    return new PromotionRule(3, Duration.ofMinutes(10));
  }

  /** The decision for a memory that reached {@link #reads()} reads within {@link #window()}. */
  public Decision decision() {
    if (!enabled()) {
      return new Decision(MoveReason.READ_FREQUENCY, "never");
    }
    return new Decision(
        MoveReason.READ_FREQUENCY,
        reads + (reads == 1 ? " read in " : " reads in ") + Durations.human(window),
        Decision.inputs(
            HistoryEntry.Inputs.READS, reads, HistoryEntry.Inputs.WINDOW_MS, window.toMillis()));
  }

  /**
   * The decision for a memory whose {@link #reads()} reads fell within {@code span} (from the first
   * counted read to the last): {@link #decision()} with the span among its inputs.
   */
  public Decision decision(Duration span) {
    Decision d = decision();
    if (!enabled()) {
      return d;
    }
    Map<String, Long> inputs = new LinkedHashMap<>(d.inputs());
    inputs.put(HistoryEntry.Inputs.READS_SPAN_MS, span.toMillis());
    return new Decision(d.reason(), d.detail(), inputs);
  }
}
