package io.tieredmemory.testkit.history;

import java.util.Locale;

/**
 * What an {@link Op} did to its key's register: the model of one key is either absent or one string
 * value.
 *
 * <pre>{@code
 * Invocation call = recorder.invoke("p0", "user:1", OpKind.PUT, "v-17");
 * }</pre>
 */
public enum OpKind {
  /** Writes its input; its output is not checked (values are unique per test). */
  PUT,
  /** Reads: the value, or absent. */
  GET,
  /** Makes the key absent; answers whether it held a value just before. */
  DELETE;

  private final String label = name().toLowerCase(Locale.ROOT);

  /** The lower-case name used in history files and reports: {@code put}, {@code get}, ... */
  public String label() {
    return label;
  }

  /** The kind whose {@link #label()} is {@code label}. */
  static OpKind fromLabel(String label) {
    for (OpKind kind : values()) {
      if (kind.label.equals(label)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("kind must be put, get or delete, was " + label);
  }
}
