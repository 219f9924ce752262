package io.tieredmemory.core;

import java.util.Locale;

/**
 * The three tiers of a {@link TieredMemory}.
 *
 * <ul>
 *   <li>{@link #HOT}: fast, may lose data (Redis, or in process). A cache of {@link #WARM}.
 *   <li>{@link #WARM}: durable system of record (PostgreSQL, or in process).
 *   <li>{@link #COLD}: archive with vector search (Chroma, or in process).
 * </ul>
 */
public enum Tier {
  HOT,
  WARM,
  COLD;

  private final String label = name().toLowerCase(Locale.ROOT);

  /**
   * The lower-case name used in metric tags, events and JSON: {@code hot}, {@code warm}, {@code
   * cold}.
   */
  public String label() {
    return label;
  }
}
