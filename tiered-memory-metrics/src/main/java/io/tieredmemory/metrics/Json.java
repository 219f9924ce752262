package io.tieredmemory.metrics;

import io.tieredmemory.core.internal.JsonStrings;
import org.jspecify.annotations.Nullable;

/** The little JSON this module writes by hand: strings escaped per RFC 8259. */
final class Json {
  private Json() {}

  /** Appends {@code s} as a JSON string, or {@code null}; see {@link JsonStrings#append}. */
  static StringBuilder string(StringBuilder b, @Nullable String s) {
    return JsonStrings.append(b, s);
  }

  static StringBuilder field(StringBuilder b, String name, @Nullable String value) {
    string(b, name).append(':');
    return string(b, value);
  }

  static StringBuilder field(StringBuilder b, String name, long value) {
    return string(b, name).append(':').append(value);
  }

  static StringBuilder field(StringBuilder b, String name, double value) {
    string(b, name).append(':');
    return Double.isFinite(value) ? b.append(value) : b.append("null");
  }
}
