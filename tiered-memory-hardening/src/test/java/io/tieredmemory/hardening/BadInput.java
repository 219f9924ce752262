package io.tieredmemory.hardening;

import io.tieredmemory.core.TieredMemory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The table of hostile input: what a store must refuse (with an {@link IllegalArgumentException}
 * naming the field and showing the value) and what it must store and give back unchanged from every
 * tier. Shared by {@link BadInputTest} (in process) and {@link BadInputIT} (Redis, PostgreSQL,
 * Chroma).
 */
final class BadInput {
  private BadInput() {}

  static final String SQL = "'; DROP TABLE tiered_memory; --";
  static final String LUA = "redis.call('FLUSHALL')";

  /**
   * An input refused before anything is written.
   *
   * @param name what the case is
   * @param call what is done to the store
   * @param field the field the message must name
   * @param shown a part of the value the message must show (escaped, abbreviated)
   */
  record Refused(String name, Consumer<TieredMemory> call, String field, String shown) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A memory that must be stored and read back byte for byte from every tier. */
  record Accepted(String name, String key, String content, Map<String, String> metadata) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Refused> refused() {
    List<Refused> r = new ArrayList<>();
    String ok = "ok-key";
    // keys
    r.add(put("key null", null, "c", Map.of(), "key must not be null", "null"));
    r.add(put("key empty", "", "c", Map.of(), "key must not be blank", "''"));
    r.add(put("key blank", "   \t", "c", Map.of(), "key must not be blank", "'   \\u0009'"));
    r.add(put("key too long", "k".repeat(513), "c", Map.of(), "key must be at most 512", "kkk..."));
    r.add(
        put(
            "key with NUL",
            "a\u0000b",
            "c",
            Map.of(),
            "key must not contain control",
            "a\\u0000b"));
    r.add(
        put("key with newline", "a\nb", "c", Map.of(), "key must not contain control", "\\u000A"));
    r.add(
        put("key with DEL", "a\u007fb", "c", Map.of(), "key must not contain control", "\\u007F"));
    r.add(put("key with ESC", "\u001b[31mred", "c", Map.of(), "key", "\\u001B[31mred"));
    r.add(
        put(
            "key lone high surrogate",
            "a\uD800b",
            "c",
            Map.of(),
            "key must be valid UTF-16",
            "a\\uD800b"));
    r.add(
        put(
            "key lone low surrogate",
            "\uDC00",
            "c",
            Map.of(),
            "key must be valid UTF-16",
            "\\uDC00"));
    r.add(
        put(
            "key reversed pair",
            "\uDE00\uD83D",
            "c",
            Map.of(),
            "key must be valid UTF-16",
            "U+DE00"));
    // content
    r.add(put("content null", ok, null, Map.of(), "content must not be null", "'ok-key'"));
    r.add(
        put(
            "content over the limit",
            ok,
            "c".repeat(1_000_001),
            Map.of(),
            "content must be at most 1000000 chars",
            "was 1000001 chars"));
    r.add(
        put(
            "content lone surrogate",
            ok,
            "text \uD83D",
            Map.of(),
            "content must be valid UTF-16",
            "U+D83D at index 5"));
    // metadata
    r.add(put("metadata null", ok, "c", null, "metadata must not be null", "'ok-key'"));
    Map<String, String> nullKey = new HashMap<>();
    nullKey.put(null, "v");
    r.add(put("metadata key null", ok, "c", nullKey, "metadata key must not be null", "null"));
    r.add(
        put(
            "metadata key empty",
            ok,
            "c",
            Map.of("", "v"),
            "metadata key must not be null or blank",
            "''"));
    r.add(
        put(
            "metadata key blank",
            ok,
            "c",
            Map.of("  ", "v"),
            "metadata key must not be null or blank",
            "'  '"));
    r.add(
        put(
            "metadata key reserved tm_version",
            ok,
            "c",
            Map.of("tm_version", "1"),
            "metadata key must not start with the reserved prefix 'tm_'",
            "'tm_version'"));
    r.add(
        put("metadata key reserved tm_", ok, "c", Map.of("tm_", "1"), "reserved prefix", "'tm_'"));
    r.add(
        put(
            "metadata key too long",
            ok,
            "c",
            Map.of("m".repeat(129), "v"),
            "metadata key must be at most 128",
            "mmm..."));
    r.add(
        put(
            "metadata key lone surrogate",
            ok,
            "c",
            Map.of("k\uD800", "v"),
            "metadata key must be valid UTF-16",
            "k\\uD800"));
    Map<String, String> nullValue = new HashMap<>();
    nullValue.put("source", null);
    r.add(
        put(
            "metadata value null",
            ok,
            "c",
            nullValue,
            "metadata value must not be null",
            "'source'"));
    r.add(
        put(
            "metadata value 10,000 chars",
            ok,
            "c",
            Map.of("note", "v".repeat(10_000)),
            "metadata value must be at most 4096 chars, was 10000",
            "'vvvv"));
    r.add(
        put(
            "metadata value lone surrogate",
            ok,
            "c",
            Map.of("k", "\uDBFF!"),
            "metadata value must be valid UTF-16",
            "\\uDBFF!"));
    Map<String, String> many = new LinkedHashMap<>();
    for (int i = 0; i < 33; i++) {
      many.put("m" + i, "v");
    }
    r.add(
        put(
            "metadata 33 entries",
            ok,
            "c",
            many,
            "metadata must have at most 32 entries",
            "had 33"));
    // other calls
    r.add(new Refused("get null key", s -> s.get(null), "key must not be null", "null"));
    r.add(new Refused("get blank key", s -> s.get(" "), "key must not be blank", "' '"));
    r.add(
        new Refused(
            "get key with NUL", s -> s.get("x\u0000"), "key must not contain control", "x\\u0000"));
    r.add(
        new Refused(
            "delete key too long",
            s -> s.delete("d".repeat(600)),
            "key must be at most 512",
            "ddd..."));
    r.add(new Refused("getAll null", s -> s.getAll(null), "keys must not be null", "null"));
    r.add(
        new Refused(
            "getAll with a bad key",
            s -> s.getAll(List.of("fine", "")),
            "key must not be blank",
            "''"));
    r.add(new Refused("search null text", s -> s.search(null, 3), "text must not be null", "null"));
    r.add(
        new Refused(
            "search k = 0", s -> s.search("x", 0), "k must be between 1 and 1000", "was 0"));
    r.add(
        new Refused(
            "search k = -1", s -> s.search("x", -1), "k must be between 1 and 1000", "was -1"));
    r.add(
        new Refused(
            "search k = 1001",
            s -> s.search("x", 1001),
            "k must be between 1 and 1000",
            "was 1001"));
    r.add(new Refused("putAll null", s -> s.putAll(null), "writes must not be null", "null"));
    return r;
  }

  private static Refused put(
      String name,
      String key,
      String content,
      Map<String, String> metadata,
      String field,
      String shown) {
    return new Refused(name, s -> s.put(key, content, metadata), field, shown);
  }

  static List<Accepted> accepted() {
    List<Accepted> a = new ArrayList<>();
    // keys
    a.add(new Accepted("SQL-looking key", SQL, "sql key", Map.of()));
    a.add(new Accepted("Lua-looking key", LUA, "lua key", Map.of()));
    a.add(new Accepted("Chroma operator key", "$and", "operator key", Map.of()));
    a.add(new Accepted("reserved-looking key", "tm_version", "reserved-looking key", Map.of()));
    a.add(new Accepted("key at the limit", "K".repeat(511) + "z", "512-char key", Map.of()));
    a.add(new Accepted("key with emoji and CJK", "ключ:中文:😀", "unicode key", Map.of()));
    a.add(new Accepted("key padded with spaces", "  padded  ", "padded key", Map.of()));
    a.add(new Accepted("key with Redis hash tag", "{tag}:m:lru", "hash-tag key", Map.of()));
    a.add(new Accepted("key with URL characters", "a/b?c=d#e%20f&g", "url key", Map.of()));
    a.add(new Accepted("key with quotes and backslash", "\"q\"\\'s'", "quoted key", Map.of()));
    // content
    a.add(new Accepted("empty content", "c-empty", "", Map.of()));
    a.add(new Accepted("content NUL only", "c-nul", "\u0000", Map.of()));
    a.add(
        new Accepted(
            "content control characters",
            "c-ctl",
            "l1\nl2\r\n\ttab\u0001\u001f\u007f\u0085 end",
            Map.of()));
    a.add(new Accepted("SQL-looking content", "c-sql", SQL + " \" $$ E'\\x00' ", Map.of()));
    a.add(
        new Accepted(
            "Lua-looking content", "c-lua", LUA + "; return redis.call('KEYS','*')", Map.of()));
    a.add(
        new Accepted(
            "JSON-looking content", "c-json", "{\"tm_version\":1,\"$and\":[{}]}", Map.of()));
    a.add(
        new Accepted(
            "emoji and BOM content", "c-emoji", "\uFEFF😀👩‍👩‍👧 é ß 中文 \uD83D\uDE00", Map.of()));
    a.add(
        new Accepted(
            "format-looking content", "c-format", "%s %n %d {} ${jndi:ldap://x} {{x}}", Map.of()));
    a.add(
        new Accepted(
            "content 10,000 chars",
            "c-10k",
            "ten thousand ".repeat(770).substring(0, 10_000),
            Map.of()));
    a.add(
        new Accepted(
            "content at the limit, one word", "c-limit-word", "w".repeat(1_000_000), Map.of()));
    a.add(
        new Accepted(
            "content at the limit, distinct words",
            "c-limit-words",
            distinctWords(1_000_000),
            Map.of()));
    // metadata
    a.add(
        new Accepted(
            "metadata Chroma operators",
            "m-ops",
            "ops",
            Map.of("$and", "x", "$where", SQL, "$contains", LUA)));
    a.add(
        new Accepted(
            "metadata not quite reserved",
            "m-tm",
            "tm",
            Map.of("tm-version", "1", "TM_version", "2", "xtm_", "3")));
    a.add(new Accepted("metadata empty value", "m-empty", "empty", Map.of("source", "")));
    a.add(
        new Accepted(
            "metadata value at the limit",
            "m-4096",
            "long value",
            Map.of("note", "n".repeat(4096))));
    a.add(
        new Accepted(
            "metadata key at the limit", "m-key128", "long key", Map.of("k".repeat(128), "v")));
    a.add(
        new Accepted(
            "metadata NUL and controls",
            "m-ctl",
            "controls",
            Map.of("k\u0000", "v\u0000\n\t", "\u0001", "\u007f")));
    a.add(new Accepted("metadata unicode", "m-uni", "unicode", Map.of("😀", "中文", "é", "ß")));
    a.add(
        new Accepted(
            "metadata punctuation",
            "m-punct",
            "punct",
            Map.of("a.b", "c", "a:b", "1:2", "\"", "\\", "{}", "[]")));
    Map<String, String> full = new LinkedHashMap<>();
    for (int i = 0; i < 32; i++) {
      full.put("entry" + i, "value " + i + " " + "x".repeat(100));
    }
    a.add(new Accepted("metadata 32 entries", "m-32", "thirty-two", full));
    return a;
  }

  /** {@code length} chars of distinct words, to make full-text indexes work hard. */
  static String distinctWords(int length) {
    StringBuilder b = new StringBuilder(length + 16);
    for (int i = 0; b.length() < length; i++) {
      b.append('w').append(Integer.toString(i, 36)).append(' ');
    }
    b.setLength(length);
    return b.toString();
  }
}
