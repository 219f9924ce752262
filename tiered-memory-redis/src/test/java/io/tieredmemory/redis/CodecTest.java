package io.tieredmemory.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
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
    assertThat(Codec.decodeEmbedding("k", null)).isNull();
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
    assertThatThrownBy(() -> Codec.decodeInstant("user:1", "ua", null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "field 'ua' of key 'user:1' is not an instant in the store's encoding (epoch"
                + " nanoseconds or ISO-8601): no value");
  }
}
