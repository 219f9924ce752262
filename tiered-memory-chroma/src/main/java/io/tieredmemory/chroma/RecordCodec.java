package io.tieredmemory.chroma;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.StoredMemory;
import java.time.Instant;
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
    return new StoredMemory(m, accessCount(meta), lastAccess(meta));
  }

  private static String userMetadata(Map<String, String> metadata) {
    try {
      // Sorted so equal metadata always gives the same string.
      return ChromaClient.JSON.writeValueAsString(new TreeMap<>(metadata));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write metadata as JSON", e);
    }
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
