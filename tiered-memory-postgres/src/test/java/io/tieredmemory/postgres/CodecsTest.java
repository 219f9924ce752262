package io.tieredmemory.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The encodings of metadata, content, instants and embeddings. */
class CodecsTest {

  @Test
  void metadataJson_roundTripsEveryCharacter() {
    Map<String, String> m = new HashMap<>();
    m.put("quote", "it's \"q\" \\ /");
    m.put("ctl", "\0\u0001\b\f\n\r\t\u001f\u007f");
    m.put("emoji", "😀 é 中文");
    m.put("empty", "");
    m.put("😀 key", "v");
    String json = MetadataJson.encode(m);
    assertThat(json).doesNotContain("\0").doesNotContain("\n");
    assertThat(MetadataJson.decode(json)).isEqualTo(m);
  }

  @Test
  void metadataJson_sortsKeys_andEmptyIsBraces() {
    assertThat(MetadataJson.encode(Map.of("b", "2", "a", "1")))
        .isEqualTo("{\"a\":\"1\",\"b\":\"2\"}");
    assertThat(MetadataJson.encode(Map.of())).isEqualTo("{}");
    assertThat(MetadataJson.decode("{}")).isEmpty();
  }

  @Test
  void metadataJson_decode_acceptsWhitespaceAndStandardEscapes() {
    assertThat(MetadataJson.decode(" { \"a\" : \"x\\u00e9\\/\" , \"b\":\"\\ud83d\\ude00\" } "))
        .isEqualTo(Map.of("a", "xé/", "b", "😀"));
  }

  @Test
  void metadataJson_decode_notAnObjectOfStrings_fails() {
    for (String bad :
        new String[] {"", "[]", "{\"a\":1}", "{\"a\":\"b\"", "{\"a\":\"\\x\"}", "{} x"}) {
      assertThatThrownBy(() -> MetadataJson.decode(bad))
          .as(bad)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("metadata column");
    }
  }

  @Test
  void storedText_escapesOnlyWhatPostgresCannotHold() {
    assertThat(StoredText.needsEscape("plain \\0")).isFalse();
    String content = "a\0b\\0c\\\\d\0";
    assertThat(StoredText.needsEscape(content)).isTrue();
    String stored = StoredText.escape(content);
    assertThat(stored).doesNotContain("\0");
    assertThat(StoredText.unescape(stored)).isEqualTo(content);
  }

  @Test
  void storedText_unescape_unknownEscape_fails() {
    assertThatThrownBy(() -> StoredText.unescape("a\\q")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> StoredText.unescape("a\\")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void nanos_roundTripExactly() {
    for (String s :
        new String[] {
          "2026-01-01T00:00:00Z",
          "2026-01-01T00:00:00.123456789Z",
          "1969-12-31T23:59:59.999999999Z",
          "1677-09-21T00:12:43.145224192Z",
          "2262-04-11T23:47:16.854775807Z"
        }) {
      Instant i = Instant.parse(s);
      assertThat(Rows.instant(Rows.nanos("createdAt", i))).isEqualTo(i);
    }
  }

  @Test
  void nanos_outOfRange_failsNamingFieldAndValue() {
    assertThatThrownBy(() -> Rows.nanos("updatedAt", Instant.parse("2300-01-01T00:00:00Z")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("updatedAt must be between")
        .hasMessageEndingWith("was 2300-01-01T00:00:00Z");
  }

  @Test
  void embedding_roundTripsEveryFloatBitForBit_bigEndian() {
    float[] e = {
      0.1f,
      -0.0f,
      0.0f,
      1e-45f,
      Float.MIN_NORMAL,
      Float.MAX_VALUE,
      -Float.MAX_VALUE,
      1.0f / 3,
      Float.POSITIVE_INFINITY,
      Float.intBitsToFloat(0x7fc00001)
    };
    byte[] bytes = Rows.embeddingBytes(e);
    assertThat(bytes).hasSize(e.length * 4);
    assertThat(bytes).startsWith((byte) 0x3d, (byte) 0xcc, (byte) 0xcc, (byte) 0xcd);
    float[] back = Rows.embedding(bytes);
    assertThat(back).hasSize(e.length);
    for (int i = 0; i < e.length; i++) {
      assertThat(Float.floatToRawIntBits(back[i]))
          .as("float %d", i)
          .isEqualTo(Float.floatToRawIntBits(e[i]));
    }
  }

  @Test
  void embedding_null_isNull_andNoWholeNumberOfFloats_fails() {
    assertThat(Rows.embeddingBytes(null)).isNull();
    assertThat(Rows.embedding(null)).isNull();
    for (byte[] bad : new byte[][] {{}, {1, 2, 3}, {1, 2, 3, 4, 5}}) {
      assertThatThrownBy(() -> Rows.embedding(bad))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("holds " + bad.length + " bytes");
    }
  }
}
