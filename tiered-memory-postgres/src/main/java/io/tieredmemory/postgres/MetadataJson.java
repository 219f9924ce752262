package io.tieredmemory.postgres;

import io.tieredmemory.core.internal.JsonStrings;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Metadata as a JSON object of strings, stored in a {@code text} column.
 *
 * <p>Text rather than {@code jsonb}: the column then holds exactly what was written (jsonb rejects
 * {@code \u0000} in strings, and core allows it in metadata values), and writes skip a server-side
 * parse. Strings are written by {@link JsonStrings#append}: control characters become JSON escapes,
 * so the stored text never holds a NUL. Keys are sorted, so equal maps store equal text.
 */
final class MetadataJson {
  private MetadataJson() {}

  static String encode(Map<String, String> metadata) {
    if (metadata.isEmpty()) {
      return "{}";
    }
    StringBuilder b = new StringBuilder(32 * metadata.size());
    b.append('{');
    boolean first = true;
    for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
      if (!first) {
        b.append(',');
      }
      first = false;
      JsonStrings.append(b, e.getKey()).append(':');
      JsonStrings.append(b, e.getValue());
    }
    return b.append('}').toString();
  }

  /**
   * Parses what {@link #encode} wrote (any JSON object of strings, whitespace allowed).
   *
   * @throws IllegalStateException if the stored text is not such an object
   */
  static Map<String, String> decode(String json) {
    if (json.equals("{}")) {
      return Map.of();
    }
    Parser p = new Parser(json);
    Map<String, String> out = new HashMap<>();
    p.skipSpace();
    p.expect('{');
    p.skipSpace();
    if (p.peek() == '}') {
      p.pos++;
    } else {
      while (true) {
        p.skipSpace();
        String key = p.string();
        p.skipSpace();
        p.expect(':');
        p.skipSpace();
        out.put(key, p.string());
        p.skipSpace();
        char c = p.next();
        if (c == '}') {
          break;
        }
        if (c != ',') {
          throw p.error("',' or '}'");
        }
      }
    }
    p.skipSpace();
    if (p.pos != json.length()) {
      throw p.error("end of text");
    }
    return out;
  }

  private static final class Parser {
    private final String s;
    int pos;

    Parser(String s) {
      this.s = s;
    }

    char peek() {
      if (pos >= s.length()) {
        throw error("more text");
      }
      return s.charAt(pos);
    }

    char next() {
      char c = peek();
      pos++;
      return c;
    }

    void expect(char c) {
      if (next() != c) {
        pos--;
        throw error("'" + c + "'");
      }
    }

    void skipSpace() {
      while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) {
        pos++;
      }
    }

    String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (true) {
        char c = next();
        if (c == '"') {
          return b.toString();
        }
        if (c != '\\') {
          b.append(c);
          continue;
        }
        char e = next();
        switch (e) {
          case '"', '\\', '/' -> b.append(e);
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'u' -> {
            if (pos + 4 > s.length()) {
              throw error("4 hex digits");
            }
            try {
              b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            } catch (NumberFormatException ex) {
              throw error("4 hex digits");
            }
            pos += 4;
          }
          default -> throw error("an escape character");
        }
      }
    }

    IllegalStateException error(String expected) {
      return new IllegalStateException(
          "metadata column does not hold a JSON object of strings: expected "
              + expected
              + " at offset "
              + pos);
    }
  }
}
