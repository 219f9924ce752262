package io.tieredmemory.core;

/**
 * A store operation could not be completed, e.g. because the WARM tier (the system of record)
 * failed. Nothing is reported as stored that was not: a {@code put} that throws this may or may not
 * have reached WARM, and a retry is safe.
 */
public class TieredMemoryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With a message and the backend's exception. */
  public TieredMemoryException(String message, Throwable cause) {
    super(message, cause);
  }

  /** With a message. */
  public TieredMemoryException(String message) {
    super(message);
  }
}
