package io.tieredmemory.core.policy;

import java.util.Locale;

/**
 * Why a memory moved between tiers (or was dropped from one). Used as the {@code reason} tag of
 * movement metrics and in every movement event.
 */
public enum MoveReason {
  /** WARM to HOT: read often enough within the promotion window. */
  READ_FREQUENCY,
  /** HOT to WARM: not read for longer than the hot idle duration. */
  HOT_IDLE,
  /** HOT to WARM: the hot tier held more than its capacity; least recently read first. */
  HOT_CAPACITY,
  /** WARM to COLD: not read for longer than the archive idle duration. */
  WARM_IDLE,
  /** COLD to WARM (and possibly HOT): an archived memory was read. */
  COLD_READ,
  /** A copy older than the latest version was dropped from a tier. */
  STALE_COPY;

  private final String label = name().toLowerCase(Locale.ROOT);

  /** The lower-case name used in metric tags and JSON, e.g. {@code read_frequency}. */
  public String label() {
    return label;
  }
}
