package io.tieredmemory.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.StoredMemory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metadata, embedding and instant encodings, without a server. */
class CodecTest {

  @Test
  void metadata_empty_encodesToEmptyString() {
    assertThat(Codec.encodeMetadata(Map.of())).isEmpty();
    assertThat(Codec.decodeMetadata("k", "")).isEmpty();
    assertThat(Codec.decodeMetadata("k", null)).isEmpty();
  }

  @Test
  void metadata_trickyText_roundTripsExactly() {
    Map<String, String> meta =
        Map.of(
            "3:abc", "12:not a length",
            "emoji 😀", "line\nbreak\t\u0001\u007f",
            "quote", "it's \"q\" \\ back",
            "empty", "",
            ":", "::");
    assertThat(Codec.decodeMetadata("k", Codec.encodeMetadata(meta))).isEqualTo(meta);
  }

  @Test
  void metadata_oneEntry_isLengthPrefixed() {
    assertThat(Codec.encodeMetadata(Map.of("source", "chat"))).isEqualTo("6:source4:chat");
  }

  @Test
  void metadata_corrupt_namesTheKey() {
    assertThatThrownBy(() -> Codec.decodeMetadata("user:1", "6:source"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("metadata of key 'user:1' is not in the store's encoding: '6:source'");
    assertThatThrownBy(() -> Codec.decodeMetadata("user:1", "x:y"))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Codec.decodeMetadata("user:1", "99:short"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void embedding_roundTripsEveryFloatBitForBit() {
    float[] e = {
      0.1f,
      -0.0f,
      0.0f,
      Float.MIN_VALUE,
      Float.MIN_NORMAL,
      Float.MAX_VALUE,
      -Float.MAX_VALUE,
      Float.NaN,
      Float.POSITIVE_INFINITY,
      1.0f / 3,
      Float.intBitsToFloat(0x7fc00001)
    };
    float[] back = Codec.decodeEmbedding("k", Codec.encodeEmbedding(e));
    assertThat(back).hasSize(e.length);
    for (int i = 0; i < e.length; i++) {
      assertThat(Float.floatToRawIntBits(back[i])).isEqualTo(Float.floatToRawIntBits(e[i]));
    }
  }

  @Test
  void embedding_noneIsTheEmptyString_andAnAbsentFieldIsNone() {
    assertThat(Codec.encodeEmbedding(null)).isEmpty();
    assertThat(Codec.decodeEmbedding("k", (String) null)).isNull();
    assertThat(Codec.decodeEmbedding("k", "")).isNull();
    assertThat(Codec.encodeEmbedding(new float[] {1f})).isEqualTo("AACAPw==");
  }

  @Test
  void embedding_corrupt_namesTheKey() {
    assertThatThrownBy(() -> Codec.decodeEmbedding("user:1", "AACA"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "embedding of key 'user:1' is not in the store's encoding (base64 of little-endian"
                + " floats): 'AACA'");
    assertThatThrownBy(() -> Codec.decodeEmbedding("user:1", "not base64!"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void instant_isWrittenAsEpochNanos_exactToTheNanosecond() {
    Instant t = Instant.parse("2026-01-01T00:00:00.000000123Z");
    assertThat(Codec.encodeInstant(t)).isEqualTo("1767225600000000123");
    assertThat(Codec.decodeInstant("k", "ca", "1767225600000000123")).isEqualTo(t);
  }

  @Test
  void instant_inTheIsoFormOfEarlierVersions_isStillRead() {
    assertThat(Codec.decodeInstant("k", "ca", "2026-01-01T00:00:00.000000123Z"))
        .isEqualTo(Instant.parse("2026-01-01T00:00:00.000000123Z"));
    assertThat(Codec.decodeInstant("k", "ua", "2025-06-30T12:34:56Z"))
        .isEqualTo(Instant.parse("2025-06-30T12:34:56Z"));
  }

  @Test
  void instant_everyRange_roundTripsExactly() {
    long maxSeconds = Long.MAX_VALUE / 1_000_000_000L - 1;
    List<Instant> instants =
        List.of(
            Instant.EPOCH,
            Instant.ofEpochSecond(0, 1),
            Instant.ofEpochSecond(-1, 999_999_999), // 1 ns before the epoch
            Instant.ofEpochSecond(-1),
            Instant.parse("1900-02-28T23:59:59.5Z"),
            Instant.ofEpochSecond(maxSeconds, 999_999_999), // the last decimal one
            Instant.ofEpochSecond(maxSeconds + 1), // the first ISO one
            Instant.ofEpochSecond(-maxSeconds),
            Instant.ofEpochSecond(-maxSeconds - 1, 999_999_999),
            Instant.MAX,
            Instant.MIN);
    for (Instant t : instants) {
      String encoded = Codec.encodeInstant(t);
      assertThat(Codec.decodeInstant("k", "ca", encoded)).as(encoded).isEqualTo(t);
    }
    assertThat(Codec.encodeInstant(Instant.ofEpochSecond(-1, 999_999_999))).isEqualTo("-1");
    assertThat(Codec.encodeInstant(Instant.ofEpochSecond(maxSeconds, 999_999_999)))
        .isEqualTo("9223372035999999999");
    assertThat(Codec.encodeInstant(Instant.ofEpochSecond(maxSeconds + 1)))
        .isEqualTo("2262-04-11T23:47:16Z");
    assertThat(Codec.encodeInstant(Instant.ofEpochSecond(-maxSeconds - 1)))
        .isEqualTo("1677-09-21T00:12:44Z");
  }

  @Test
  void instant_corrupt_namesTheFieldAndTheKey() {
    assertThatThrownBy(() -> Codec.decodeInstant("user:1", "ca", "yesterday"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "field 'ca' of key 'user:1' is not an instant in the store's encoding (epoch"
                + " nanoseconds or ISO-8601): 'yesterday'");
    assertThatThrownBy(() -> Codec.decodeInstant("user:1", "ua", "2026-13-01T00:00:00Z"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("field 'ua' of key 'user:1'")
        .hasMessageEndingWith("'2026-13-01T00:00:00Z'");
    assertThatThrownBy(() -> Codec.decodeInstant("user:1", "ua", (byte[]) null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "field 'ua' of key 'user:1' is not an instant in the store's encoding (epoch"
                + " nanoseconds or ISO-8601): no value");
  }

  @Test
  void decimal_parsesEveryLong_fromTheBytes() {
    for (long v : new long[] {0, 1, -1, 10, 1767225600000000123L, Long.MAX_VALUE, Long.MIN_VALUE}) {
      assertThat(Codec.decimal("k", "v", bytes(Long.toString(v)))).isEqualTo(v);
    }
    assertThat(Codec.decimal("k", "v", bytes("007"))).isEqualTo(7);
  }

  @Test
  void decimal_notALong_namesTheFieldAndTheKey() {
    assertThatThrownBy(() -> Codec.decimal("user:1", "v", bytes("12a")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("field 'v' of key 'user:1' is not a decimal number: '12a'");
    for (String bad :
        List.of(
            "",
            "-",
            "+1",
            " 1",
            "1.5",
            "9223372036854775808",
            "-9223372036854775809",
            "99999999999999999999",
            "00000000000000000001")) {
      assertThatThrownBy(() -> Codec.decimal("user:1", "n", bytes(bad)))
          .as(bad)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("field 'n' of key 'user:1' is not a decimal number");
    }
    assertThatThrownBy(() -> Codec.decimal("user:1", "la", null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("field 'la' of key 'user:1' is not a decimal number: no value");
  }

  @Test
  void memory_fromTheRawFields_inBothInstantForms() {
    Instant created = Instant.parse("2025-03-04T05:06:07.123456789Z");
    Instant updated = Instant.parse("2026-01-01T00:00:00.000000123Z");
    float[] e = {0.5f, -2f};
    Memory expected =
        new Memory("k", "héllo 😀", Map.of("source", "chat"), created, updated, 42, e);
    List<byte[]> fields =
        Arrays.asList(
            bytes("42"),
            bytes("héllo 😀"),
            bytes("6:source4:chat"),
            bytes("2025-03-04T05:06:07.123456789Z"), // as earlier versions wrote it
            bytes("1767225600000000123"),
            bytes(Codec.encodeEmbedding(e)),
            bytes("3"),
            bytes("1700000000000"));
    assertThat(Codec.memory("k", fields)).isEqualTo(expected);
    StoredMemory stored = Codec.stored("k", fields);
    assertThat(stored.memory()).isEqualTo(expected);
    assertThat(stored.accessCount()).isEqualTo(3);
    assertThat(stored.lastAccessMillis()).isEqualTo(1700000000000L);

    List<byte[]> bare = Arrays.asList(bytes("1"), bytes(""), null, bytes("0"), bytes("-1"), null);
    assertThat(Codec.memory("k", bare))
        .isEqualTo(
            new Memory(
                "k", "", Map.of(), Instant.EPOCH, Instant.ofEpochSecond(-1, 999_999_999), 1));
  }

  @Test
  void memory_absentOrBroken() {
    assertThat(Codec.memory("k", Arrays.asList(null, null, null, null, null, null))).isNull();
    assertThatThrownBy(
            () ->
                Codec.memory(
                    "user:1", Arrays.asList(bytes("1"), null, null, bytes("0"), bytes("0"), null)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("field 'c' of key 'user:1' is missing from its hash");
    assertThatThrownBy(
            () ->
                Codec.memory(
                    "user:1",
                    Arrays.asList(bytes("v1"), bytes("x"), null, bytes("0"), bytes("0"), null)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("field 'v' of key 'user:1' is not a decimal number: 'v1'");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
