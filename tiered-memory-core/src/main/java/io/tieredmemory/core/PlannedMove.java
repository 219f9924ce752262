package io.tieredmemory.core;

import io.tieredmemory.core.policy.MoveReason;
import java.util.Objects;

/**
 * One move a sweep would make now, as {@link TieredMemory#plan(int)} predicts it.
 *
 * @param key the memory's key
 * @param version the version that would move
 * @param from the tier it would leave ({@link Tier#HOT} for a demotion, {@link Tier#WARM} for an
 *     archive)
 * @param to the tier it would go to
 * @param reason why, as the move's event and metrics would say
 * @param detail the decision in words, as the move's event would say, e.g. {@code "idle 31m"}
 */
public record PlannedMove(
    String key, long version, Tier from, Tier to, MoveReason reason, String detail) {
  /** Checks every field is present. */
  public PlannedMove {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
  }
}
