package io.tieredmemory.redis;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.StoredMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How a memory is laid out in its hash. Fields: {@code v} version, {@code c} content, {@code m}
 * metadata, {@code ca}/{@code ua} created/updated (epoch nanoseconds, see below), {@code n} access
 * count, {@code la} last access (epoch millis), {@code sz} size in bytes, {@code e} the writer's
 * embedding. Numbers are decimal strings so the Lua scripts can compare them exactly beyond 2^53.
 *
 * <p>Instants are written as decimal epoch nanoseconds ({@code 1767225600000000123}), parsed with
 * {@code Long.parseLong} on every hit. Hashes written by earlier versions of this module hold
 * ISO-8601 ({@code 2026-01-01T00:00:00.000000123Z}), and an instant outside the ~584 years a {@code
 * long} of nanoseconds spans (1677 to 2262) is still written that way: a value holding a {@code T}
 * is read as ISO-8601, anything else as epoch nanoseconds. No format version is needed, since the
 * two forms cannot be mistaken for each other, and both are exact to the nanosecond.
 *
 * <p>The embedding is the base64 (RFC 4648, padded) of its floats' IEEE 754 bits, 4 bytes each,
 * little-endian: exact for every float ({@code -0.0f}, subnormals, NaN payloads), 5.33 characters a
 * float. A memory without one has no {@code e} field, so a hash written before the field existed
 * reads as a memory without an embedding.
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
  static final String EMBEDDING = "e";

  /** What {@code read} needs: the value, not the statistics. */
  static final String[] READ_FIELDS = {VERSION, CONTENT, METADATA, CREATED, UPDATED, EMBEDDING};

  /** What {@code peek} needs: the value and the statistics. */
  static final String[] PEEK_FIELDS = {
    VERSION, CONTENT, METADATA, CREATED, UPDATED, EMBEDDING, COUNT, LAST
  };

  private Codec() {}

  /** The memory in {@code fields} (laid out as {@link #READ_FIELDS}), or null if absent. */
  static @Nullable Memory memory(String key, List<String> fields) {
    String version = fields.get(0);
    if (version == null) {
      return null;
    }
    String content = fields.get(1);
    Map<String, String> metadata = decodeMetadata(key, fields.get(2));
    Instant created = decodeInstant(key, CREATED, fields.get(3));
    Instant updated = decodeInstant(key, UPDATED, fields.get(4));
    long v = Long.parseLong(version);
    float[] embedding = decodeEmbedding(key, fields.get(5));
    // Two constructors keep NullAway content (the 7-argument one's array is nullable in JSpecify
    // terms only), without the second Memory and array copy of withEmbedding.
    return embedding == null
        ? new Memory(key, content, metadata, created, updated, v)
        : new Memory(key, content, metadata, created, updated, v, embedding);
  }

  /** Seconds whose instants, at any nanosecond, fit a {@code long} of epoch nanoseconds. */
  private static final long MAX_NANO_SECONDS = Long.MAX_VALUE / 1_000_000_000L - 1;

  private static final long MIN_NANO_SECONDS = -MAX_NANO_SECONDS;

  /**
   * The field value for {@code instant}: its epoch nanoseconds in decimal, or ISO-8601 for an
   * instant outside the range a {@code long} of nanoseconds spans.
   */
  static String encodeInstant(Instant instant) {
    long seconds = instant.getEpochSecond();
    if (seconds < MIN_NANO_SECONDS || seconds > MAX_NANO_SECONDS) {
      return instant.toString();
    }
    return Long.toString(seconds * 1_000_000_000L + instant.getNano());
  }

  /**
   * The instant in {@code field} of {@code key}'s hash: epoch nanoseconds in decimal, or ISO-8601
   * (a value holding a {@code T}: hashes written before the decimal form, and far instants).
   */
  static Instant decodeInstant(String key, String field, @Nullable String encoded) {
    if (encoded == null) {
      throw corruptInstant(key, field, "no value");
    }
    try {
      if (encoded.indexOf('T') >= 0) {
        return Instant.parse(encoded);
      }
      long nanos = Long.parseLong(encoded);
      return Instant.ofEpochSecond(
          Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    } catch (NumberFormatException | DateTimeException e) {
      throw corruptInstant(key, field, "'" + shown(encoded) + "'");
    }
  }

  private static IllegalStateException corruptInstant(String key, String field, String value) {
    return new IllegalStateException(
        "field '"
            + field
            + "' of key '"
            + key
            + "' is not an instant in the store's encoding (epoch nanoseconds or ISO-8601): "
            + value);
  }

  /** The stored memory in {@code fields} (laid out as {@link #PEEK_FIELDS}), or null if absent. */
  static @Nullable StoredMemory stored(String key, List<String> fields) {
    Memory m = memory(key, fields);
    if (m == null) {
      return null;
    }
    return new StoredMemory(m, Long.parseLong(fields.get(6)), Long.parseLong(fields.get(7)));
  }

  /**
   * The script argument for {@code embedding}: its floats' bits, little-endian, in base64; the
   * empty string (the scripts then delete the field) for none.
   */
  static String encodeEmbedding(float @Nullable [] embedding) {
    if (embedding == null) {
      return "";
    }
    ByteBuffer bytes = ByteBuffer.allocate(embedding.length * Float.BYTES);
    bytes.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(embedding);
    return Base64.getEncoder().encodeToString(bytes.array());
  }

  /** The embedding in field {@code e}: null when absent (or empty). */
  static float @Nullable [] decodeEmbedding(String key, @Nullable String encoded) {
    if (encoded == null || encoded.isEmpty()) {
      return null;
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw corruptEmbedding(key, encoded);
    }
    if (bytes.length % Float.BYTES != 0) {
      throw corruptEmbedding(key, encoded);
    }
    float[] out = new float[bytes.length / Float.BYTES];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  private static IllegalStateException corruptEmbedding(String key, String encoded) {
    return new IllegalStateException(
        "embedding of key '"
            + key
            + "' is not in the store's encoding (base64 of little-endian floats): '"
            + shown(encoded)
            + "'");
  }

  private static String shown(String encoded) {
    return encoded.length() > 64 ? encoded.substring(0, 64) + "..." : encoded;
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
    return new IllegalStateException(
        "metadata of key '" + key + "' is not in the store's encoding: '" + shown(encoded) + "'");
  }
}
