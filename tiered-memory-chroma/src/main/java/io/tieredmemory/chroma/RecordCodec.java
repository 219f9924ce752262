package io.tieredmemory.chroma;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.StoredMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The record layout in a Chroma collection: id = key, document = content, metadata = the reserved
 * {@code tm_} fields below. The user's metadata travels as one JSON string ({@code tm_meta})
 * because Chroma metadata allows only flat bool/int/float/string values and drops empty objects,
 * while ours must round-trip any string key and value exactly.
 *
 * <p>Chroma integers are 64-bit and compare exactly (checked by {@code ChromaClientIT}), so
 * versions (hybrid-clock micros, around 1.8e15) are stored as ints and filtered server-side with
 * {@code $eq} and {@code $lt}. Instants are ISO-8601 strings: exact to the nanosecond, unlike epoch
 * micros.
 *
 * <p>A memory with its writer's embedding ({@link Memory#embedding()}) is indexed under that
 * vector, and the vector is also kept in {@code tm_embedding}: the base64 (RFC 4648, padded) of its
 * floats' IEEE 754 bits, 4 bytes each, little-endian. Chroma cannot give it back itself: a cosine
 * collection returns its records' embeddings altered (1.0.0 gives {@code [1, 2, 3, 4]} back as
 * {@code [1, 2, 3.0000002, 4]}, turns {@code Float.MAX_VALUE} into null and moves values near
 * {@code Float.MIN_NORMAL}). The field's presence is what says the vector is the writer's: a record
 * without it (every record written before the field existed included) is indexed under the
 * content's embedding by the tier's embedder and reads back with no embedding. A write of a memory
 * without one sends the field as null, which deletes it (Chroma merges the metadata of an upsert).
 */
final class RecordCodec {
  static final String LAYOUT = "tm_layout";
  static final String VERSION = "tm_version";
  static final String CREATED = "tm_created";
  static final String UPDATED = "tm_updated";
  static final String COUNT = "tm_count";
  static final String LAST = "tm_last";
  static final String SIZE = "tm_size";
  static final String META = "tm_meta";
  static final String EMBEDDING = "tm_embedding";

  /** Bumped if the layout ever changes, so old records can be told apart. */
  static final int CURRENT_LAYOUT = 1;

  private RecordCodec() {}

  /** All reserved fields of {@code stored}. */
  static ObjectNode metadata(StoredMemory stored) {
    Memory m = stored.memory();
    ObjectNode meta = ChromaClient.NODES.objectNode();
    meta.put(LAYOUT, CURRENT_LAYOUT);
    meta.put(VERSION, m.version());
    meta.put(CREATED, m.createdAt().toString());
    meta.put(UPDATED, m.updatedAt().toString());
    meta.put(COUNT, stored.accessCount());
    meta.put(LAST, stored.lastAccessMillis());
    meta.put(SIZE, m.sizeInBytes());
    meta.put(META, userMetadata(m.metadata()));
    float[] embedding = m.embedding();
    if (embedding == null) {
      meta.putNull(EMBEDDING);
    } else {
      meta.put(EMBEDDING, encodeEmbedding(embedding));
    }
    return meta;
  }

  /** Only the access statistics, for {@code /update} (Chroma merges metadata keys). */
  static ObjectNode stats(long accessCount, long lastAccessMillis) {
    ObjectNode meta = ChromaClient.NODES.objectNode();
    meta.put(COUNT, accessCount);
    meta.put(LAST, lastAccessMillis);
    return meta;
  }

  /**
   * {@code meta} if it is one of ours, else {@code null} (records written by others are ignored,
   * and so is a row read without metadata).
   */
  static @Nullable JsonNode ours(@Nullable JsonNode meta) {
    return meta != null && meta.path(VERSION).isIntegralNumber() ? meta : null;
  }

  static long version(JsonNode meta) {
    return meta.path(VERSION).asLong();
  }

  static long accessCount(JsonNode meta) {
    return meta.path(COUNT).asLong();
  }

  static long lastAccess(JsonNode meta) {
    return meta.path(LAST).asLong();
  }

  static long size(JsonNode meta) {
    return meta.path(SIZE).asLong();
  }

  static Instant createdAt(JsonNode meta) {
    return Instant.parse(meta.path(CREATED).asText());
  }

  /**
   * The stored memory in a row read with documents and metadatas, or {@code null} when the row is
   * not one of ours.
   */
  static @Nullable StoredMemory decode(ChromaClient.Row row) {
    JsonNode meta = ours(row.metadata());
    if (meta == null) {
      return null;
    }
    String document = row.document();
    Memory m =
        new Memory(
            row.id(),
            document == null ? "" : document,
            parseUserMetadata(row.id(), meta.path(META).asText("{}")),
            createdAt(meta),
            Instant.parse(meta.path(UPDATED).asText()),
            version(meta));
    JsonNode embedding = meta.path(EMBEDDING);
    if (embedding.isTextual()) {
      m = m.withEmbedding(decodeEmbedding(row.id(), embedding.asText()));
    }
    return new StoredMemory(m, accessCount(meta), lastAccess(meta));
  }

  /** The floats' bits, little-endian, in base64. */
  static String encodeEmbedding(float[] embedding) {
    ByteBuffer bytes = ByteBuffer.allocate(embedding.length * Float.BYTES);
    bytes.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(embedding);
    return Base64.getEncoder().encodeToString(bytes.array());
  }

  /** The embedding {@link #encodeEmbedding} wrote for the record {@code key}. */
  static float[] decodeEmbedding(String key, String encoded) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw corruptEmbedding(key, encoded);
    }
    if (bytes.length == 0 || bytes.length % Float.BYTES != 0) {
      throw corruptEmbedding(key, encoded);
    }
    float[] out = new float[bytes.length / Float.BYTES];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  private static IllegalStateException corruptEmbedding(String key, String encoded) {
    String shown = encoded.length() > 64 ? encoded.substring(0, 64) + "..." : encoded;
    return new IllegalStateException(
        "record "
            + key
            + " has unreadable "
            + EMBEDDING
            + " (not base64 of little-endian floats): '"
            + shown
            + "'");
  }

  private static String userMetadata(Map<String, String> metadata) {
    try {
      // Sorted so equal metadata always gives the same string.
      return ChromaClient.JSON.writeValueAsString(new TreeMap<>(metadata));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write metadata as JSON", e);
    }
  }

  /**
   * The user's metadata of a record ({@code meta}: the record's own fields, from {@link #ours}).
   */
  static Map<String, String> userMetadata(String key, JsonNode meta) {
    return parseUserMetadata(key, meta.path(META).asText("{}"));
  }

  private static Map<String, String> parseUserMetadata(String key, String json) {
    JsonNode node;
    try {
      node = ChromaClient.JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "record " + key + " has unreadable " + META + " (not JSON): " + e.getOriginalMessage(),
          e);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }
}
