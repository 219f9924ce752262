package io.tieredmemory.core.policy;

import io.tieredmemory.core.HistoryEntry;
import io.tieredmemory.core.internal.Durations;
import io.tieredmemory.core.internal.Validation;
import java.time.Duration;

/**
 * Archive a memory from WARM to COLD when it has not been read for {@code idle}. Applied by sweeps;
 * memories currently held in HOT are never archived.
 *
 * @param idle how long a warm memory may go unread, positive
 */
public record ArchiveRule(Duration idle) {
  /** Validates the field. */
  public ArchiveRule {
    Validation.requirePositive("archive.idle", idle);
  }

  /** The default: idle 7 days. */
  public static ArchiveRule defaults() {
    return new ArchiveRule(Duration.ofDays(7));
  }

  /** The decision for a memory idle for {@code idleFor}. */
  public Decision decision(Duration idleFor) {
    return new Decision(
        MoveReason.WARM_IDLE,
        "idle " + Durations.human(idleFor),
        Decision.inputs(
            HistoryEntry.Inputs.IDLE_MS, idleFor.toMillis(),
            HistoryEntry.Inputs.IDLE_LIMIT_MS, idle.toMillis()));
  }
}
