package io.tieredmemory.core.policy;

import io.tieredmemory.core.Validation;
import java.time.Duration;

/**
 * Promote a memory from WARM to HOT once it has been read {@code reads} times within {@code
 * window}. Reads are counted per store instance, in process.
 *
 * <pre>{@code
 * PromotionRule rule = new PromotionRule(3, Duration.ofMinutes(10)); // "3 reads in 10m"
 * }</pre>
 *
 * @param reads reads needed, at least 1 (1 promotes on the first warm read)
 * @param window the window the reads must fall in, positive
 */
public record PromotionRule(int reads, Duration window) {
  /** Validates both fields. */
  public PromotionRule {
    Validation.requireAtLeast("promotion.reads", reads, 1);
    Validation.requirePositive("promotion.window", window);
  }

  /** The default: 3 reads within 10 minutes. */
  public static PromotionRule defaults() {
    return new PromotionRule(3, Duration.ofMinutes(10));
  }

  /** The decision for a memory that reached {@link #reads()} reads within {@link #window()}. */
  public Decision decision() {
    return new Decision(
        MoveReason.READ_FREQUENCY,
        reads + (reads == 1 ? " read in " : " reads in ") + Durations.human(window));
  }
}
