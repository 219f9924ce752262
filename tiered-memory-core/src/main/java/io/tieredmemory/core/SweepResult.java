package io.tieredmemory.core;

import java.time.Duration;

/**
 * What one sweep did.
 *
 * @param demoted memories moved HOT to WARM (idle or over capacity)
 * @param archived memories moved WARM to COLD
 * @param reconciled stale copies dropped (older versions left behind by updates or crashes)
 * @param failed moves that failed (they stay where they were and are retried by the next sweep)
 * @param took how long the sweep took
 */
public record SweepResult(int demoted, int archived, int reconciled, int failed, Duration took) {
  /** Whether every step succeeded. */
  public boolean succeeded() {
    return failed == 0;
  }
}
