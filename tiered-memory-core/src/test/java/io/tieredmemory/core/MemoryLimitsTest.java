package io.tieredmemory.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MemoryLimitsTest {

  private final MemoryLimits limits = MemoryLimits.defaults();

  // ------------------------------------------------------------------ keys

  static Stream<Arguments> badKeys() {
    String tooLong = "a".repeat(513);
    return Stream.of(
        arguments("null", null, new String[] {"key must not be null"}),
        arguments("empty", "", new String[] {"key must not be blank", "''"}),
        arguments("spaces", "   ", new String[] {"key must not be blank", "'   '"}),
        arguments("newline only", "\n", new String[] {"key must not be blank", "'\\u000A'"}),
        arguments(
            "513 chars",
            tooLong,
            new String[] {"key must be at most 512 chars, was 513 chars", "'" + "a".repeat(64)}),
        arguments("NUL", "ab\u0000c", new String[] {"U+0000 at index 2", "'ab\\u0000c'"}),
        arguments("newline", "a\nb", new String[] {"U+000A at index 1", "'a\\u000Ab'"}),
        arguments("tab", "a\tb", new String[] {"U+0009 at index 1", "'a\\u0009b'"}),
        arguments("DEL", "a\u007fb", new String[] {"U+007F at index 1", "'a\\u007Fb'"}),
        arguments("C1 control", "x\u0085", new String[] {"U+0085 at index 1"}),
        arguments(
            "unpaired high surrogate",
            "\uD800",
            new String[] {"key must be valid UTF-16", "unpaired surrogate U+D800 at index 0"}),
        arguments(
            "unpaired low surrogate",
            "\uDC00x",
            new String[] {"key must be valid UTF-16", "unpaired surrogate U+DC00 at index 0"}),
        arguments(
            "trailing high surrogate",
            "ok\uD83D",
            new String[] {"unpaired surrogate U+D83D at index 2"}),
        arguments(
            "reversed pair", "\uDE00\uD83D", new String[] {"unpaired surrogate U+DE00 at index 0"}),
        arguments(
            "two high surrogates",
            "\uD83D\uD83D\uDE00",
            new String[] {"unpaired surrogate U+D83D at index 0"}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badKeys")
  void checkKey_invalid(String description, String key, String[] expectedFragments) {
    assertThatThrownBy(() -> limits.checkKey(key))
        .as(description)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("key ")
        .hasMessageContainingAll(expectedFragments);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "k",
        "user:42:lang",
        "\uD83D\uDE00",
        "a\uD83D\uDE00b\uD83C\uDDEB\uD83C\uDDF7",
        "x'; DROP TABLE t;--",
        "redis.call('FLUSHALL')",
        "café-naïve-Ærø-ñ",
        "日本語のキー",
        "key with inner spaces",
        " leading and trailing ",
        "{\"json\":[1,2]}",
        "%s %n %d",
        "../../etc/passwd"
      })
  void checkKey_valid(String key) {
    assertThatCode(() -> limits.checkKey(key)).doesNotThrowAnyException();
  }

  @Test
  void checkKey_exactlyMaxLength() {
    assertThatCode(() -> limits.checkKey("a".repeat(512))).doesNotThrowAnyException();
    assertThatCode(() -> limits.checkKey("\uD83D\uDE00".repeat(256))).doesNotThrowAnyException();
  }

  @Test
  void checkKey_customMaxLength() {
    MemoryLimits small = limits.withMaxKeyLength(4);

    assertThatCode(() -> small.checkKey("abcd")).doesNotThrowAnyException();
    assertThatThrownBy(() -> small.checkKey("abcde"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key must be at most 4 chars, was 5 chars: 'abcde'");
  }

  @Test
  void checkKey_hugeValueIsAbbreviated() {
    String huge = "x".repeat(100_000);

    assertThatThrownBy(() -> limits.checkKey(huge))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was 100000 chars")
        .hasMessageContaining("'" + "x".repeat(64) + "...'")
        .hasMessageNotContaining("x".repeat(65))
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
  }

  @Test
  void checkKey_controlCharBeyondShownPrefix_reportsIndex() {
    String key = "k".repeat(100) + "\u0001";

    assertThatThrownBy(() -> limits.checkKey(key))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("U+0001 at index 100")
        .hasMessageNotContaining("k".repeat(65));
  }

  // ------------------------------------------------------------------ content

  @Test
  void checkContent_null() {
    assertThatThrownBy(() -> limits.checkContent("user:1", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("content must not be null")
        .hasMessageContaining("'user:1'");
  }

  @Test
  void checkContent_tooLong() {
    MemoryLimits small = limits.withMaxContentLength(10);

    assertThatCode(() -> small.checkContent("k", "0123456789")).doesNotThrowAnyException();
    assertThatThrownBy(() -> small.checkContent("k", "0123456789A"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("content must be at most 10 chars, was 11 chars")
        .hasMessageContaining("'k'");
  }

  @Test
  void checkContent_hugeContentNotEchoed() {
    MemoryLimits small = limits.withMaxContentLength(10);
    String huge = "y".repeat(100_000);

    assertThatThrownBy(() -> small.checkContent("k", huge))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was 100000 chars")
        .hasMessageNotContaining("y".repeat(65));
  }

  @ParameterizedTest
  @MethodSource
  void checkContent_unpairedSurrogate(String content, String expected) {
    assertThatThrownBy(() -> limits.checkContent("k", content))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("content must be valid UTF-16")
        .hasMessageContaining(expected);
  }

  static Stream<Arguments> checkContent_unpairedSurrogate() {
    return Stream.of(
        arguments("\uD800", "U+D800 at index 0"),
        arguments("abc\uD800", "U+D800 at index 3"),
        arguments("\uDC00x", "U+DC00 at index 0"),
        arguments("ok \uD83D\uDE00 then \uDE00", "U+DE00 at index 11"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "line1\nline2\r\nline3",
        "col1\tcol2",
        "nul\u0000 del\u007f bell\u0007",
        "\uD83D\uDE00 emoji \uD83C\uDDEB\uD83C\uDDF7",
        "x'; DROP TABLE t;--",
        "redis.call('FLUSHALL')",
        "   "
      })
  void checkContent_valid(String content) {
    assertThatCode(() -> limits.checkContent("k", content)).doesNotThrowAnyException();
  }

  // ------------------------------------------------------------------ metadata

  static Stream<Arguments> badMetadata() {
    MemoryLimits small = new MemoryLimits(512, 1000, 2, 8, 16);
    Map<String, String> nullKey = new HashMap<>();
    nullKey.put(null, "v");
    Map<String, String> nullValue = new HashMap<>();
    nullValue.put("source", null);
    Map<String, String> three = new LinkedHashMap<>();
    three.put("a", "1");
    three.put("b", "2");
    three.put("c", "3");
    return Stream.of(
        arguments("null map", small, null, new String[] {"metadata must not be null", "'k'"}),
        arguments(
            "too many entries",
            small,
            three,
            new String[] {"metadata must have at most 2 entries, had 3"}),
        arguments(
            "null key",
            small,
            nullKey,
            new String[] {"metadata key must not be null or blank, was null"}),
        arguments(
            "blank key",
            small,
            Map.of("  ", "v"),
            new String[] {"metadata key must not be null or blank", "'  '"}),
        arguments(
            "empty key",
            small,
            Map.of("", "v"),
            new String[] {"metadata key must not be null or blank"}),
        arguments(
            "reserved prefix",
            small,
            Map.of("tm_x", "v"),
            new String[] {"reserved prefix 'tm_'", "'tm_x'"}),
        arguments(
            "null value",
            small,
            nullValue,
            new String[] {"metadata value must not be null", "'source'"}),
        arguments(
            "key too long",
            small,
            Map.of("abcdefghi", "v"),
            new String[] {"metadata key must be at most 8 chars, was 9", "'abcdefghi'"}),
        arguments(
            "value too long",
            small,
            Map.of("src", "v".repeat(17)),
            new String[] {"metadata value must be at most 16 chars, was 17", "'src'"}),
        arguments(
            "unpaired surrogate in key",
            small,
            Map.of("a\uD800", "v"),
            new String[] {"metadata key must be valid UTF-16", "U+D800 at index 1"}),
        arguments(
            "unpaired surrogate in value",
            small,
            Map.of("a", "\uDC00"),
            new String[] {"metadata value must be valid UTF-16", "U+DC00 at index 0"}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badMetadata")
  void checkMetadata_invalid(
      String description,
      MemoryLimits configured,
      Map<String, String> metadata,
      String[] expectedFragments) {
    assertThatThrownBy(() -> configured.checkMetadata("k", metadata))
        .as(description)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("metadata")
        .hasMessageContainingAll(expectedFragments);
  }

  @Test
  void checkMetadata_hugeValueNotEchoed() {
    String huge = "z".repeat(100_000);

    assertThatThrownBy(() -> limits.checkMetadata("k", Map.of("note", huge)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata value must be at most 4096 chars, was 100000")
        .hasMessageNotContaining("z".repeat(65));
  }

  @Test
  void checkMetadata_valid() {
    MemoryLimits small = new MemoryLimits(512, 1000, 2, 8, 16);

    assertThatCode(() -> small.checkMetadata("k", Map.of())).doesNotThrowAnyException();
    assertThatCode(() -> small.checkMetadata("k", Map.of("source", "chat", "TM_x", "")))
        .doesNotThrowAnyException();
    assertThatCode(() -> small.checkMetadata("k", Map.of("tm", "a\nb\t\uD83D\uDE00")))
        .doesNotThrowAnyException();
    assertThatCode(() -> small.checkMetadata("k", Map.of("k".repeat(8), "v".repeat(16))))
        .doesNotThrowAnyException();
  }

  @Test
  void checkMetadata_zeroEntriesAllowed() {
    MemoryLimits none = new MemoryLimits(512, 1000, 0, 8, 16);

    assertThatCode(() -> none.checkMetadata("k", Map.of())).doesNotThrowAnyException();
    assertThatThrownBy(() -> none.checkMetadata("k", Map.of("a", "b")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata must have at most 0 entries, had 1");
  }

  // ------------------------------------------------------------------ the record itself

  @Test
  void defaults_documentedValues() {
    assertThat(MemoryLimits.defaults()).isEqualTo(new MemoryLimits(512, 1_000_000, 32, 128, 4096));
  }

  static Stream<Arguments> badLimits() {
    return Stream.of(
        arguments("maxKeyLength", 0, limit(v -> new MemoryLimits(v, 1, 0, 1, 1))),
        arguments("maxKeyLength", -1, limit(v -> new MemoryLimits(v, 1, 0, 1, 1))),
        arguments("maxContentLength", 0, limit(v -> new MemoryLimits(1, v, 0, 1, 1))),
        arguments("maxContentLength", -5, limit(v -> new MemoryLimits(1, v, 0, 1, 1))),
        arguments("maxMetadataEntries", -1, limit(v -> new MemoryLimits(1, 1, v, 1, 1))),
        arguments("maxMetadataKeyLength", 0, limit(v -> new MemoryLimits(1, 1, 0, v, 1))),
        arguments("maxMetadataValueLength", 0, limit(v -> new MemoryLimits(1, 1, 0, 1, v))),
        arguments(
            "maxMetadataValueLength",
            Integer.MIN_VALUE,
            limit(v -> new MemoryLimits(1, 1, 0, 1, v))),
        arguments(
            "maxContentLength", 0, limit(v -> MemoryLimits.defaults().withMaxContentLength(v))),
        arguments("maxKeyLength", 0, limit(v -> MemoryLimits.defaults().withMaxKeyLength(v))));
  }

  private static IntFunction<MemoryLimits> limit(IntFunction<MemoryLimits> f) {
    return f;
  }

  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("badLimits")
  void constructor_nonPositiveLimit(String field, int value, IntFunction<MemoryLimits> make) {
    assertThatThrownBy(() -> make.apply(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(field + " must be >= ")
        .hasMessageEndingWith("was " + value);
  }

  @Test
  void constructor_smallestValidLimits() {
    MemoryLimits tiny = new MemoryLimits(1, 1, 0, 1, 1);

    assertThatCode(() -> tiny.checkKey("k")).doesNotThrowAnyException();
    assertThatCode(() -> tiny.checkContent("k", "c")).doesNotThrowAnyException();
  }

  @Test
  void withMaxContentLength_keepsOtherLimits() {
    MemoryLimits base = new MemoryLimits(10, 20, 3, 4, 5);

    assertThat(base.withMaxContentLength(99)).isEqualTo(new MemoryLimits(10, 99, 3, 4, 5));
    assertThat(base.withMaxKeyLength(7)).isEqualTo(new MemoryLimits(7, 20, 3, 4, 5));
  }

  // ------------------------------------------------------------------ quote

  @Test
  void quote_null() {
    assertThat(MemoryLimits.quote(null)).isEqualTo("null");
  }

  @Test
  void quote_shortValueVerbatim() {
    assertThat(MemoryLimits.quote("abc")).isEqualTo("'abc'");
    assertThat(MemoryLimits.quote("a".repeat(64))).isEqualTo("'" + "a".repeat(64) + "'");
  }

  @Test
  void quote_longValueAbbreviated() {
    String value = "0123456789".repeat(10_000);

    String quoted = MemoryLimits.quote(value);

    assertThat(quoted).isEqualTo("'" + value.substring(0, 64) + "...'").hasSizeLessThan(80);
    assertThat(MemoryLimits.quote("a".repeat(65))).isEqualTo("'" + "a".repeat(64) + "...'");
  }

  @Test
  void quote_escapesControlAndSurrogateChars() {
    assertThat(MemoryLimits.quote("a\nb\u0000\t\u007f"))
        .isEqualTo("'a\\u000Ab\\u0000\\u0009\\u007F'");
    assertThat(MemoryLimits.quote("x\uD800")).isEqualTo("'x\\uD800'");
  }
}
