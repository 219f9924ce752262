package io.tieredmemory.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metadata encoding, without a server. */
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
}
