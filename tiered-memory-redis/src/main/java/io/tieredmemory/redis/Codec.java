package io.tieredmemory.redis;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.StoredMemory;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How a memory is laid out in its hash. Fields: {@code v} version, {@code c} content, {@code m}
 * metadata, {@code ca}/{@code ua} created/updated (ISO-8601, exact to the nanosecond), {@code n}
 * access count, {@code la} last access (epoch millis), {@code sz} size in bytes. Numbers are
 * decimal strings so the Lua scripts can compare them exactly beyond 2^53.
 *
 * <p>Metadata is length-prefixed, {@code <length>:<key><length>:<value>} per entry, lengths in
 * UTF-16 chars: any text round-trips as it is, with no escaping to get wrong and no JSON library.
 */
final class Codec {
  static final String VERSION = "v";
  static final String CONTENT = "c";
  static final String METADATA = "m";
  static final String CREATED = "ca";
  static final String UPDATED = "ua";
  static final String COUNT = "n";
  static final String LAST = "la";
  static final String SIZE = "sz";

  /** What {@code read} needs: the value, not the statistics. */
  static final String[] READ_FIELDS = {VERSION, CONTENT, METADATA, CREATED, UPDATED};

  /** What {@code peek} needs: the value and the statistics. */
  static final String[] PEEK_FIELDS = {VERSION, CONTENT, METADATA, CREATED, UPDATED, COUNT, LAST};

  private Codec() {}

  /** The memory in {@code fields} (laid out as {@link #READ_FIELDS}), or null if absent. */
  static @Nullable Memory memory(String key, List<String> fields) {
    String version = fields.get(0);
    if (version == null) {
      return null;
    }
    return new Memory(
        key,
        fields.get(1),
        decodeMetadata(key, fields.get(2)),
        Instant.parse(fields.get(3)),
        Instant.parse(fields.get(4)),
        Long.parseLong(version));
  }

  /** The stored memory in {@code fields} (laid out as {@link #PEEK_FIELDS}), or null if absent. */
  static @Nullable StoredMemory stored(String key, List<String> fields) {
    Memory m = memory(key, fields);
    if (m == null) {
      return null;
    }
    return new StoredMemory(m, Long.parseLong(fields.get(5)), Long.parseLong(fields.get(6)));
  }

  static String encodeMetadata(Map<String, String> metadata) {
    if (metadata.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      append(sb, e.getKey());
      append(sb, e.getValue());
    }
    return sb.toString();
  }

  private static void append(StringBuilder sb, String s) {
    sb.append(s.length()).append(':').append(s);
  }

  static Map<String, String> decodeMetadata(String key, String encoded) {
    if (encoded == null || encoded.isEmpty()) {
      return Map.of();
    }
    Map<String, String> out = new HashMap<>();
    int[] pos = {0};
    while (pos[0] < encoded.length()) {
      String k = next(key, encoded, pos);
      if (pos[0] >= encoded.length()) {
        throw corrupt(key, encoded);
      }
      out.put(k, next(key, encoded, pos));
    }
    return out;
  }

  private static String next(String key, String encoded, int[] pos) {
    int colon = encoded.indexOf(':', pos[0]);
    if (colon <= pos[0]) {
      throw corrupt(key, encoded);
    }
    int length;
    try {
      length = Integer.parseInt(encoded, pos[0], colon, 10);
    } catch (NumberFormatException e) {
      throw corrupt(key, encoded);
    }
    int end = colon + 1 + length;
    if (length < 0 || end > encoded.length()) {
      throw corrupt(key, encoded);
    }
    pos[0] = end;
    return encoded.substring(colon + 1, end);
  }

  private static IllegalStateException corrupt(String key, String encoded) {
    String shown = encoded.length() > 64 ? encoded.substring(0, 64) + "..." : encoded;
    return new IllegalStateException(
        "metadata of key '" + key + "' is not in the store's encoding: '" + shown + "'");
  }
}
