package io.tieredmemory.core;

import java.util.Locale;

/**
 * How a request ended.
 *
 * <p>{@link #HIT} and {@link #MISS} are used by {@code get} and {@code search} (a search with at
 * least one result is a hit); {@link #SUCCESS} by {@code put} and {@code delete}; {@link #ERROR} by
 * any request that threw.
 */
public enum RequestResult {
  HIT,
  MISS,
  SUCCESS,
  ERROR;

  private final String label = name().toLowerCase(Locale.ROOT);

  /** The lower-case name used in metric tags. */
  public String label() {
    return label;
  }
}
