package io.tieredmemory.core.internal;

import org.jspecify.annotations.Nullable;

/**
 * JSON string literals for the modules that write their little JSON by hand (the metrics endpoint,
 * PostgreSQL's metadata column): RFC 8259 escapes, so any Java string, even one holding U+0000 or
 * an unpaired surrogate, becomes a literal every JSON parser reads back to the same chars.
 */
public final class JsonStrings {
  private JsonStrings() {}

  /**
   * Appends {@code s} as a JSON string literal, or {@code null} when it is null. {@code "}, {@code
   * \}, newline, carriage return and tab get their short escapes; other control characters, DEL,
   * U+2028, U+2029 (line ends to JavaScript) and unpaired surrogates (not encodable as UTF-8) are
   * written as {@code \}{@code uXXXX}; everything else as is.
   *
   * <pre>{@code
   * JsonStrings.append(new StringBuilder(), "a\"b\n"); // "a\"b\n" with its quotes, escaped
   * }</pre>
   *
   * @return {@code b}
   */
  public static StringBuilder append(StringBuilder b, @Nullable String s) {
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
              || c == 0x7f
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
}
