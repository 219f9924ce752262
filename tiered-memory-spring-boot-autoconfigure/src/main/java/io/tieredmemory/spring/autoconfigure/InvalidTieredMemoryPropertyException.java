package io.tieredmemory.spring.autoconfigure;

/**
 * A {@code tiered-memory.*} property value the library refused; {@link TieredMemoryFailureAnalyzer}
 * turns it into a startup failure description.
 */
public class InvalidTieredMemoryPropertyException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String property;
  private final String value;

  /** {@code property} (its full name) had {@code value}; {@code cause} is the library's reason. */
  public InvalidTieredMemoryPropertyException(
      String property, Object value, IllegalArgumentException cause) {
    super(
        "Invalid value '" + value + "' for property '" + property + "': " + cause.getMessage(),
        cause);
    this.property = property;
    this.value = String.valueOf(value);
  }

  /** The full name of the property, such as {@code tiered-memory.hot-capacity}. */
  public String property() {
    return property;
  }

  /** The value it had, as text. */
  public String value() {
    return value;
  }
}
