package io.tieredmemory.core.policy;

import io.tieredmemory.core.HistoryEntry;
import io.tieredmemory.core.internal.Durations;
import io.tieredmemory.core.internal.Validation;
import java.time.Duration;

/**
 * Demote a memory from HOT to WARM when it has not been read for {@code idle}, or when HOT holds
 * more than {@code capacity} memories (least recently read first). Applied by sweeps.
 *
 * @param idle how long a hot memory may go unread, positive
 * @param capacity how many memories HOT may hold after a sweep, at least 1
 */
public record DemotionRule(Duration idle, long capacity) {
  /** Validates both fields. */
  public DemotionRule {
    Validation.requirePositive("demotion.idle", idle);
    Validation.requireAtLeast("demotion.capacity", capacity, 1);
  }

  /** The default: idle 30 minutes, capacity 10,000. */
  public static DemotionRule defaults() {
    return new DemotionRule(Duration.ofMinutes(30), 10_000);
  }

  /** The decision for a memory idle for {@code idleFor}. */
  public Decision idleDecision(Duration idleFor) {
    return new Decision(
        MoveReason.HOT_IDLE,
        "idle " + Durations.human(idleFor),
        Decision.inputs(
            HistoryEntry.Inputs.IDLE_MS, idleFor.toMillis(),
            HistoryEntry.Inputs.IDLE_LIMIT_MS, idle.toMillis()));
  }

  /** The decision for a memory demoted because HOT held {@code held} memories. */
  public Decision capacityDecision(long held) {
    return new Decision(
        MoveReason.HOT_CAPACITY,
        "hot over capacity " + capacity + " (held " + held + ")",
        Decision.inputs(
            HistoryEntry.Inputs.HOT_HELD, held, HistoryEntry.Inputs.HOT_CAPACITY, capacity));
  }
}
