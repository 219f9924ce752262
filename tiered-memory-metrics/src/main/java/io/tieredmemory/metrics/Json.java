package io.tieredmemory.metrics;

import io.tieredmemory.core.internal.JsonStrings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /**
   * Reads back an object as written by this class: string, number, boolean or null values, in
   * order, and arrays of such flat objects (as {@code List<Map>}).
   */
  static Map<String, @Nullable Object> parseFlatObject(String json) {
    int[] at = {skip(json, 0)};
    Map<String, @Nullable Object> out = readObject(json, at, true);
    if (skip(json, at[0]) != json.length()) {
      throw new IllegalArgumentException(
          "unexpected text after the object at " + at[0] + ": " + json);
    }
    return out;
  }

  /** An object at {@code at}; with {@code arrays}, a value may be an array of flat objects. */
  private static Map<String, @Nullable Object> readObject(String json, int[] at, boolean arrays) {
    Map<String, @Nullable Object> out = new LinkedHashMap<>();
    expect(json, at, '{');
    if (peek(json, at) == '}') {
      at[0]++;
      return out;
    }
    while (true) {
      String name = readString(json, at);
      expect(json, at, ':');
      out.put(name, arrays && peek(json, at) == '[' ? readArray(json, at) : readValue(json, at));
      char c = peek(json, at);
      at[0]++;
      if (c == '}') {
        return out;
      }
      if (c != ',') {
        throw new IllegalArgumentException("expected ',' or '}' at " + (at[0] - 1) + ": " + json);
      }
    }
  }

  /** An array of flat objects (a recall's results). */
  private static List<Map<String, @Nullable Object>> readArray(String json, int[] at) {
    List<Map<String, @Nullable Object>> out = new ArrayList<>();
    expect(json, at, '[');
    if (peek(json, at) == ']') {
      at[0]++;
      return out;
    }
    while (true) {
      out.add(readObject(json, at, false));
      char c = peek(json, at);
      at[0]++;
      if (c == ']') {
        return out;
      }
      if (c != ',') {
        throw new IllegalArgumentException("expected ',' or ']' at " + (at[0] - 1) + ": " + json);
      }
    }
  }

  private static int skip(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static char peek(String s, int[] at) {
    at[0] = skip(s, at[0]);
    if (at[0] >= s.length()) {
      throw new IllegalArgumentException("unexpected end of JSON: " + s);
    }
    return s.charAt(at[0]);
  }

  private static void expect(String s, int[] at, char c) {
    if (peek(s, at) != c) {
      throw new IllegalArgumentException("expected '" + c + "' at " + at[0] + ": " + s);
    }
    at[0]++;
  }

  private static @Nullable Object readValue(String s, int[] at) {
    char c = peek(s, at);
    if (c == '"') {
      return readString(s, at);
    }
    for (String word : new String[] {"true", "false", "null"}) {
      if (s.startsWith(word, at[0])) {
        at[0] += word.length();
        return word.equals("null") ? null : Boolean.valueOf(word);
      }
    }
    int start = at[0];
    int i = start;
    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
      i++;
    }
    if (i == start) {
      throw new IllegalArgumentException("unexpected '" + c + "' at " + start + ": " + s);
    }
    at[0] = i;
    String n = s.substring(start, i);
    try {
      return Long.valueOf(n);
    } catch (NumberFormatException notLong) {
      return Double.valueOf(n);
    }
  }

  private static String readString(String s, int[] at) {
    expect(s, at, '"');
    StringBuilder b = new StringBuilder();
    int i = at[0];
    while (true) {
      if (i >= s.length()) {
        throw new IllegalArgumentException("unterminated string: " + s);
      }
      char c = s.charAt(i++);
      if (c == '"') {
        at[0] = i;
        return b.toString();
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      if (i >= s.length()) {
        throw new IllegalArgumentException("unterminated escape: " + s);
      }
      char e = s.charAt(i++);
      switch (e) {
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'u' -> {
          if (i + 4 > s.length()) {
            throw new IllegalArgumentException("bad \\u escape: " + s);
          }
          b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
          i += 4;
        }
        default -> b.append(e); // " \ /
      }
    }
  }
}
