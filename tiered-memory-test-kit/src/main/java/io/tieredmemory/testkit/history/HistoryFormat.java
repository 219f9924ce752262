package io.tieredmemory.testkit.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The line format of history files: one event a line, fields separated by one space, strings in
 * double quotes with JSON-style escapes so that a value can hold spaces, quotes or line breaks and
 * the file stays one event a line:
 *
 * <pre>
 * # tiered-memory history v1
 * invoke 1000 "p0" 1 put "user:1" "v-1"
 * invoke 1004 "p1" 2 get "user:1"
 * ok 1010 "p0" 1 put "user:1" "v-1"
 * ok 1012 "p1" 2 get "user:1" "v-1"        (or: absent)
 * invoke 1020 "p0" 3 delete "user:1"
 * fail 1030 "p0" 3 delete "user:1" "java.net.SocketTimeoutException: Read timed out"
 * invoke 1040 "p1" 4 search "french"
 * ok 1050 "p1" 4 search "french" "user:2" "v-9"   (pairs of key and value)
 * </pre>
 *
 * <p>Fields: event, instant, process, op id, kind, key (the query of a search), then the value: the
 * put's input, the get's read, the delete's existed flag, the error of a failure.
 */
final class HistoryFormat {
  static final String HEADER = "# tiered-memory history v1";
  static final String SEARCH = "search";
  static final String INVOKE = "invoke";
  static final String OK = "ok";
  static final String FAIL = "fail";
  static final String ABSENT = "absent";

  private HistoryFormat() {}

  /** One token of a line: a bare word or the content of a quoted string. */
  record Token(String text, boolean quoted) {}

  /** One parsed line. */
  record Event(
      String type, long at, String process, long id, String kind, String key, List<Token> values) {}

  static String invoke(
      long at, String process, long id, String kind, String key, @Nullable String input) {
    String line = head(INVOKE, at, process, id, kind, key);
    return input == null ? line : line + " " + quote(input);
  }

  static String ok(Op op) {
    String line = head(OK, op.completedAt(), op.process(), op.id(), op.kind().label(), op.key());
    return line
        + " "
        + switch (op.kind()) {
          case PUT -> quote(Objects.requireNonNull(op.value())); // a put has a value
          case GET -> op.value() == null ? ABSENT : quote(op.value());
          case DELETE -> String.valueOf(op.existed());
        };
  }

  static String ok(SearchOp search) {
    StringBuilder line =
        new StringBuilder(
            head(OK, search.completedAt(), search.process(), search.id(), SEARCH, search.query()));
    for (Map.Entry<String, String> hit : search.hits().entrySet()) {
      line.append(' ').append(quote(hit.getKey())).append(' ').append(quote(hit.getValue()));
    }
    return line.toString();
  }

  static String fail(long at, Op op, String error) {
    return head(FAIL, at, op.process(), op.id(), op.kind().label(), op.key()) + " " + quote(error);
  }

  static String failSearch(long at, String process, long id, String query, String error) {
    return head(FAIL, at, process, id, SEARCH, query) + " " + quote(error);
  }

  private static String head(
      String type, long at, String process, long id, String kind, String key) {
    return type + " " + at + " " + quote(process) + " " + id + " " + kind + " " + quote(key);
  }

  /**
   * Parses one line.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static Event parse(String line) {
    List<Token> tokens = tokens(line);
    if (tokens.size() < 6) {
      throw new IllegalArgumentException("expected at least 6 fields, found " + tokens.size());
    }
    String type = bare(tokens.get(0), "event");
    if (!type.equals(INVOKE) && !type.equals(OK) && !type.equals(FAIL)) {
      throw new IllegalArgumentException("event must be invoke, ok or fail, was " + type);
    }
    return new Event(
        type,
        number(tokens.get(1), "instant"),
        quoted(tokens.get(2), "process"),
        number(tokens.get(3), "op id"),
        bare(tokens.get(4), "kind"),
        quoted(tokens.get(5), "key"),
        List.copyOf(tokens.subList(6, tokens.size())));
  }

  static String bare(Token token, String field) {
    if (token.quoted()) {
      throw new IllegalArgumentException(
          field + " must not be quoted, was \"" + token.text() + '"');
    }
    return token.text();
  }

  static String quoted(Token token, String field) {
    if (!token.quoted()) {
      throw new IllegalArgumentException(field + " must be quoted, was " + token.text());
    }
    return token.text();
  }

  private static long number(Token token, String field) {
    try {
      return Long.parseLong(bare(token, field));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field + " must be a number, was " + token.text(), e);
    }
  }

  /**
   * {@code s} in double quotes; escapes quotes, backslashes, control characters and unpaired
   * surrogates (which UTF-8 cannot carry), and nothing else so the file stays readable.
   */
  static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c < 0x20 || c == 0x7f || unpairedSurrogate(s, i)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private static boolean unpairedSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
    }
    return Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
  }

  private static List<Token> tokens(String line) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    int n = line.length();
    while (i < n) {
      if (line.charAt(i) == ' ') {
        i++;
      } else if (line.charAt(i) == '"') {
        StringBuilder text = new StringBuilder();
        i = unquote(line, i + 1, text);
        tokens.add(new Token(text.toString(), true));
      } else {
        int start = i;
        while (i < n && line.charAt(i) != ' ') {
          if (line.charAt(i) == '"') {
            throw new IllegalArgumentException("stray quote at column " + (i + 1));
          }
          i++;
        }
        tokens.add(new Token(line.substring(start, i), false));
      }
    }
    return tokens;
  }

  /** Reads a quoted string's content from {@code i}; returns the index after the closing quote. */
  private static int unquote(String line, int i, StringBuilder text) {
    while (i < line.length()) {
      char c = line.charAt(i++);
      if (c == '"') {
        if (i < line.length() && line.charAt(i) != ' ') {
          throw new IllegalArgumentException("expected a space after a string at column " + i);
        }
        return i;
      }
      if (c != '\\') {
        text.append(c);
        continue;
      }
      if (i >= line.length()) {
        break;
      }
      char e = line.charAt(i++);
      switch (e) {
        case '"', '\\' -> text.append(e);
        case 'n' -> text.append('\n');
        case 'r' -> text.append('\r');
        case 't' -> text.append('\t');
        case 'u' -> {
          if (i + 4 > line.length()) {
            throw new IllegalArgumentException("truncated \\u escape at column " + i);
          }
          try {
            text.append((char) Integer.parseInt(line.substring(i, i + 4), 16));
          } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("bad \\u escape at column " + i, ex);
          }
          i += 4;
        }
        default -> throw new IllegalArgumentException("unknown escape \\" + e + " at column " + i);
      }
    }
    throw new IllegalArgumentException("unterminated string");
  }
}
