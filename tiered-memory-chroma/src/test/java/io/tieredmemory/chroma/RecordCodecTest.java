package io.tieredmemory.chroma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.StoredMemory;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
  @Test
  void decode_ofMetadata_roundTripsEveryField() throws Exception {
    Instant created = Instant.parse("2026-01-01T00:00:00.123456789Z");
    Instant updated = Instant.parse("2026-02-01T10:00:00Z");
    Map<String, String> meta = Map.of("k", "v", "json", "{\"a\":1}", "emoji 😀", "\"q\"\n");
    StoredMemory s =
        new StoredMemory(
            new Memory("key:1", "content", meta, created, updated, 1_800_000_000_000_001L),
            7,
            1_767_225_600_123L);

    // Through real JSON text, as the server sends it back.
    JsonNode wire =
        ChromaJson.JSON.readTree(ChromaJson.JSON.writeValueAsString(RecordCodec.metadata(s)));
    StoredMemory back = RecordCodec.decode(new ChromaClient.Row("key:1", "content", wire, null));

    assertThat(back).isEqualTo(s);
    assertThat(RecordCodec.size(wire)).isEqualTo(s.memory().sizeInBytes());
    assertThat(wire.path(RecordCodec.LAYOUT).asInt()).isEqualTo(RecordCodec.CURRENT_LAYOUT);
  }

  @Test
  void decode_foreignRecord_isNull() {
    assertThat(RecordCodec.decode(new ChromaClient.Row("x", "doc", null, null))).isNull();
    JsonNode other = ChromaJson.NODES.objectNode().put("source", "someone else");
    assertThat(RecordCodec.decode(new ChromaClient.Row("x", "doc", other, null))).isNull();
  }

  @Test
  void stats_holdOnlyCountAndLastAccess() {
    JsonNode stats = RecordCodec.stats(3, 42);
    assertThat(stats.size()).isEqualTo(2);
    assertThat(RecordCodec.accessCount(stats)).isEqualTo(3);
    assertThat(RecordCodec.lastAccess(stats)).isEqualTo(42);
  }

  @Test
  void embedding_roundTripsBitForBit_throughTheMetadata() throws Exception {
    float[] e = {0.1f, -0.0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, 1.0f / 3};
    StoredMemory s =
        new StoredMemory(new Memory("k", "c", Map.of(), Instant.EPOCH, Instant.EPOCH, 1, e), 0, 0);

    JsonNode wire =
        ChromaJson.JSON.readTree(ChromaJson.JSON.writeValueAsString(RecordCodec.metadata(s)));
    float[] back =
        RecordCodec.decode(new ChromaClient.Row("k", "c", wire, null)).memory().embedding();

    assertThat(wire.path(RecordCodec.EMBEDDING).asText()).isEqualTo(RecordCodec.encodeEmbedding(e));
    assertThat(back).hasSize(e.length);
    for (int i = 0; i < e.length; i++) {
      assertThat(Float.floatToRawIntBits(back[i])).isEqualTo(Float.floatToRawIntBits(e[i]));
    }
    assertThat(RecordCodec.encodeEmbedding(new float[] {1f})).isEqualTo("AACAPw==");
  }

  @Test
  void noEmbedding_isSentAsNull_soTheServerDeletesAnOldOne_andAnAbsentFieldReadsAsNone() {
    StoredMemory s =
        new StoredMemory(new Memory("k", "c", Map.of(), Instant.EPOCH, Instant.EPOCH, 1), 0, 0);
    JsonNode meta = RecordCodec.metadata(s);
    assertThat(meta.get(RecordCodec.EMBEDDING).isNull()).isTrue();
    ObjectNode old = ((ObjectNode) meta).deepCopy();
    old.remove(RecordCodec.EMBEDDING);
    assertThat(RecordCodec.decode(new ChromaClient.Row("k", "c", old, null)).memory().embedding())
        .isNull();
  }

  @Test
  void corruptEmbedding_namesTheRecord() {
    ObjectNode meta =
        RecordCodec.metadata(
            new StoredMemory(
                new Memory("k:1", "c", Map.of(), Instant.EPOCH, Instant.EPOCH, 1), 0, 0));
    meta.put(RecordCodec.EMBEDDING, "AACA");
    assertThatThrownBy(() -> RecordCodec.decode(new ChromaClient.Row("k:1", "c", meta, null)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "record k:1 has unreadable tm_embedding (not base64 of little-endian floats): 'AACA'");
  }
}
