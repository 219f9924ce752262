package io.tieredmemory.core.internal;

import java.time.Duration;

/**
 * Short human renderings of durations for decision details: {@code 45s}, {@code 31m}, {@code 2h5m}.
 */
public final class Durations {
  private Durations() {}

  /**
   * Renders a duration compactly, truncated to the two largest units.
   *
   * <pre>{@code
   * Durations.human(Duration.ofSeconds(1860)); // "31m"
   * Durations.human(Duration.ofHours(26));      // "1d2h"
   * }</pre>
   */
  public static String human(Duration d) {
    long s = Math.max(0, d.getSeconds());
    long days = s / 86_400;
    long hours = (s % 86_400) / 3600;
    long minutes = (s % 3600) / 60;
    long seconds = s % 60;
    if (days > 0) {
      return days + "d" + (hours > 0 ? hours + "h" : "");
    }
    if (hours > 0) {
      return hours + "h" + (minutes > 0 ? minutes + "m" : "");
    }
    if (minutes > 0) {
      return minutes + "m" + (seconds > 0 ? seconds + "s" : "");
    }
    if (seconds > 0) {
      return seconds + "s";
    }
    return Math.max(0, d.toMillis()) + "ms";
  }
}
