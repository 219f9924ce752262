package io.tieredmemory.core.internal;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Fail-fast checks whose messages name the field and the value. */
public final class Validation {
  private Validation() {}

  /**
   * Checks that {@code value >= min}.
   *
   * @throws IllegalArgumentException naming the field and the value otherwise
   */
  public static int requireAtLeast(String field, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(field + " must be >= " + min + ", was " + value);
    }
    return value;
  }

  /**
   * Checks that {@code value >= min}.
   *
   * @throws IllegalArgumentException naming the field and the value otherwise
   */
  public static long requireAtLeast(String field, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(field + " must be >= " + min + ", was " + value);
    }
    return value;
  }

  /**
   * Checks that a duration is non-null and strictly positive.
   *
   * @throws IllegalArgumentException naming the field and the value otherwise
   */
  public static Duration requirePositive(String field, @Nullable Duration value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " must not be null");
    }
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(field + " must be positive, was " + value);
    }
    return value;
  }

  /**
   * Checks that a string is non-null and not blank.
   *
   * @throws IllegalArgumentException naming the field and the value otherwise
   */
  public static String requireNonBlank(String field, @Nullable String value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " must not be null");
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank, was '" + value + "'");
    }
    return value;
  }

  /**
   * Checks that a value is not null.
   *
   * @throws IllegalArgumentException naming the field otherwise
   */
  public static <T> T requireNonNull(String field, @Nullable T value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " must not be null");
    }
    return value;
  }
}
