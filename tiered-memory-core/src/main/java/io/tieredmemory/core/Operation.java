package io.tieredmemory.core;

import java.util.Locale;

/** A request a caller makes to a {@link TieredMemory}; used in observer calls and metric tags. */
public enum Operation {
  GET,
  PUT,
  DELETE,
  SEARCH;

  private final String label = name().toLowerCase(Locale.ROOT);

  /**
   * The lower-case name used in metric tags: {@code get}, {@code put}, {@code delete}, {@code
   * search}.
   */
  public String label() {
    return label;
  }
}
