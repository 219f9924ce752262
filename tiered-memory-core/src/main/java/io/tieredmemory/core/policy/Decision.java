package io.tieredmemory.core.policy;

import java.util.Objects;

/**
 * A policy's decision to move a memory: a machine-readable reason and a short human detail, such as
 * {@code "3 reads in 10m"} or {@code "idle 31m"}.
 *
 * @param reason why, never null
 * @param detail a short human explanation, never null
 */
public record Decision(MoveReason reason, String detail) {
  /** Checks both fields. */
  public Decision {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
  }
}
