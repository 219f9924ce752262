package io.tieredmemory.postgres;

/**
 * Content as the {@code content} column holds it. PostgreSQL {@code text} cannot hold U+0000, which
 * core allows in content; content containing it is stored escaped ({@code \} as {@code \\}, U+0000
 * as {@code \0}) with {@code content_escaped} set, so it still round-trips exactly. All other
 * content is stored verbatim and full-text search sees it unchanged.
 */
final class StoredText {
  private StoredText() {}

  static boolean needsEscape(String content) {
    return content.indexOf('\0') >= 0;
  }

  static String escape(String content) {
    StringBuilder b = new StringBuilder(content.length() + 16);
    for (int i = 0; i < content.length(); i++) {
      char c = content.charAt(i);
      if (c == '\\') {
        b.append("\\\\");
      } else if (c == '\0') {
        b.append("\\0");
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * Reverses {@link #escape}.
   *
   * @throws IllegalStateException if the stored text holds an escape {@link #escape} never writes
   */
  static String unescape(String stored) {
    StringBuilder b = new StringBuilder(stored.length());
    for (int i = 0; i < stored.length(); i++) {
      char c = stored.charAt(i);
      if (c != '\\') {
        b.append(c);
        continue;
      }
      char next = i + 1 < stored.length() ? stored.charAt(i + 1) : 'x';
      if (next == '\\') {
        b.append('\\');
      } else if (next == '0') {
        b.append('\0');
      } else {
        throw new IllegalStateException(
            "escaped content holds an unknown escape at offset " + i + " (expected \\\\ or \\0)");
      }
      i++;
    }
    return b.toString();
  }
}
