package io.tieredmemory.metrics;

import org.jspecify.annotations.Nullable;

/** The little JSON this module writes by hand: strings escaped per RFC 8259. */
final class Json {
  private Json() {}

  static StringBuilder string(StringBuilder b, @Nullable String s) {
    if (s == null) {
      return b.append("null");
    }
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20
              || c == '\u2028'
              || c == '\u2029'
              || Character.isSurrogate(c) && !paired(s, i)) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"');
  }

  private static boolean paired(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
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
