package io.tieredmemory.chroma;

import io.tieredmemory.core.TieredMemoryException;
import org.jspecify.annotations.Nullable;

/**
 * A Chroma call that failed: the server answered with an error status or an unreadable answer, did
 * not answer in time, or could not be reached. The message names the HTTP method and path, the
 * status and the server's own error type and message; it never contains a header value
 * (credentials) or a body (contents).
 *
 * <p>Package-private: users catch {@link TieredMemoryException}, as for every backend, and read the
 * message. The accessors are for this module's code and tests.
 *
 * <pre>{@code
 * try {
 *   cold.vectorSearch().orElseThrow().search(vector, query, 5);
 * } catch (TieredMemoryException e) {
 *   e.getMessage(); // "Chroma POST /api/v2/.../query failed with HTTP 400 InvalidArgumentError: ..."
 * }
 * }</pre>
 */
final class ChromaException extends TieredMemoryException {
  private static final long serialVersionUID = 1L;

  /** The {@link #status()} of a call that got no HTTP response (timeout, refused connection). */
  static final int NO_RESPONSE = -1;

  private final int status;
  private final String method;
  private final String path;
  private final @Nullable String serverError;
  private final @Nullable String serverMessage;

  ChromaException(
      int status,
      String method,
      String path,
      @Nullable String serverError,
      @Nullable String serverMessage,
      @Nullable String detail,
      @Nullable Throwable cause) {
    super(describe(status, method, path, serverError, serverMessage, detail));
    if (cause != null) {
      initCause(cause); // core's (message, cause) constructor takes no null cause
    }
    this.status = status;
    this.method = method;
    this.path = path;
    this.serverError = serverError;
    this.serverMessage = serverMessage;
  }

  private static String describe(
      int status,
      String method,
      String path,
      @Nullable String serverError,
      @Nullable String serverMessage,
      @Nullable String detail) {
    StringBuilder sb = new StringBuilder("Chroma ").append(method).append(' ').append(path);
    if (status == NO_RESPONSE) {
      sb.append(" failed without a response: ").append(detail);
      return sb.toString();
    }
    sb.append(" failed with HTTP ").append(status);
    if (serverError != null) {
      sb.append(' ').append(serverError);
    }
    if (serverMessage != null) {
      sb.append(": ").append(serverMessage);
    }
    if (detail != null) {
      sb.append(" (").append(detail).append(')');
    }
    return sb.toString();
  }

  /** The HTTP status, or {@link #NO_RESPONSE} when the server did not answer. */
  int status() {
    return status;
  }

  /** The HTTP method of the failed call, e.g. {@code POST}. */
  String method() {
    return method;
  }

  /** The path of the failed call, e.g. {@code /api/v2/tenants/t/databases/d/collections/ID/get}. */
  String path() {
    return path;
  }

  /** The server's error type (e.g. {@code InvalidArgumentError}), or {@code null}. */
  @Nullable String serverError() {
    return serverError;
  }

  /** The server's error message, or {@code null} when there was none. */
  @Nullable String serverMessage() {
    return serverMessage;
  }
}
