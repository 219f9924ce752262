package io.tieredmemory.examples.biometric;

/**
 * A request the service refuses, with the HTTP status to answer and the field at fault. Its message
 * names the field and the offending value; it becomes the body {@code {"error": message, "field":
 * field, "value": value}}.
 */
final class ApiError extends Exception {
  private final int status;
  private final String field;
  private final String value;

  /**
   * @param status the HTTP status, 4xx
   * @param field the request part at fault (a JSON field, {@code body}, {@code source}...), or null
   * @param value the offending value as received (abbreviated), or null
   * @param message what is wrong, naming the field and the value
   */
  ApiError(int status, String field, String value, String message) {
    super(message, null, false, false);
    this.status = status;
    this.field = field;
    this.value = value;
  }

  /** A 400 Bad Request. */
  static ApiError badRequest(String field, String value, String message) {
    return new ApiError(400, field, value, message);
  }

  int status() {
    return status;
  }

  String field() {
    return field;
  }

  String value() {
    return value;
  }
}
