package io.tieredmemory.redis;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.StoredMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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

  /** {@link #READ_FIELDS} in UTF-8, for the binary HMGET (never modified). */
  static final byte[][] READ_FIELD_BYTES = utf8(READ_FIELDS);

  /** {@link #PEEK_FIELDS} in UTF-8, for the binary HMGET (never modified). */
  static final byte[][] PEEK_FIELD_BYTES = utf8(PEEK_FIELDS);

  private Codec() {}

  static byte[][] utf8(String[] fields) {
    byte[][] out = new byte[fields.length][];
    for (int i = 0; i < fields.length; i++) {
      out[i] = fields[i].getBytes(StandardCharsets.UTF_8);
    }
    return out;
  }

  /**
   * The memory in {@code fields} (the raw values of {@link #READ_FIELDS}, null where absent), or
   * null if absent. Numbers and instants are parsed from the bytes, so a hit makes Strings of the
   * content and the metadata only.
   */
  static @Nullable Memory memory(String key, List<byte[]> fields) {
    byte[] version = fields.get(0);
    if (version == null) {
      return null;
    }
    byte[] content = fields.get(1);
    if (content == null) {
      throw new IllegalStateException(
          "field '" + CONTENT + "' of key '" + key + "' is missing from its hash");
    }
    byte[] metadata = fields.get(2);
    Map<String, String> decoded =
        metadata == null || metadata.length == 0
            ? Map.of()
            : decodeMetadata(key, new String(metadata, StandardCharsets.UTF_8));
    String text = new String(content, StandardCharsets.UTF_8);
    Instant created = decodeInstant(key, CREATED, fields.get(3));
    Instant updated = decodeInstant(key, UPDATED, fields.get(4));
    long v = decimal(key, VERSION, version);
    float[] embedding = decodeEmbedding(key, fields.get(5));
    // Two constructors keep NullAway content (the 7-argument one's array is nullable in JSpecify
    // terms only), without the second Memory and array copy of withEmbedding.
    return embedding == null
        ? new Memory(key, text, decoded, created, updated, v)
        : new Memory(key, text, decoded, created, updated, v, embedding);
  }

  /**
   * The stored memory in {@code fields} (the raw values of {@link #PEEK_FIELDS}), or null if
   * absent.
   */
  static @Nullable StoredMemory stored(String key, List<byte[]> fields) {
    Memory m = memory(key, fields);
    if (m == null) {
      return null;
    }
    return new StoredMemory(
        m, decimal(key, COUNT, fields.get(6)), decimal(key, LAST, fields.get(7)));
  }

  /**
   * The decimal {@code long} in {@code field} (ASCII digits, an optional leading minus), parsed
   * without a String.
   */
  static long decimal(String key, String field, byte @Nullable [] digits) {
    if (digits == null) {
      throw corruptNumber(key, field, "no value");
    }
    int i = 0;
    boolean negative = digits.length > 0 && digits[0] == '-';
    if (negative) {
      i = 1;
    }
    // At most 19 digits: below 10^19, so accumulating negatively never wraps before the check.
    if (i == digits.length || digits.length - i > 19) {
      throw corruptNumber(key, field, digits);
    }
    long value = 0; // negative, so Long.MIN_VALUE fits
    for (; i < digits.length; i++) {
      int d = digits[i] - '0';
      if (d < 0 || d > 9 || value < (Long.MIN_VALUE + d) / 10) {
        throw corruptNumber(key, field, digits);
      }
      value = value * 10 - d;
    }
    if (negative) {
      return value;
    }
    if (value == Long.MIN_VALUE) {
      throw corruptNumber(key, field, digits);
    }
    return -value;
  }

  private static IllegalStateException corruptNumber(String key, String field, byte[] digits) {
    return corruptNumber(key, field, "'" + shown(new String(digits, StandardCharsets.UTF_8)) + "'");
  }

  private static IllegalStateException corruptNumber(String key, String field, String value) {
    return new IllegalStateException(
        "field '" + field + "' of key '" + key + "' is not a decimal number: " + value);
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
    return decodeInstant(key, field, encoded.getBytes(StandardCharsets.UTF_8));
  }

  /** {@link #decodeInstant(String, String, String)} on the raw bytes of the field. */
  static Instant decodeInstant(String key, String field, byte @Nullable [] encoded) {
    if (encoded == null) {
      throw corruptInstant(key, field, "no value");
    }
    for (byte b : encoded) {
      if (b == 'T') {
        String iso = new String(encoded, StandardCharsets.UTF_8);
        try {
          return Instant.parse(iso);
        } catch (DateTimeException e) {
          throw corruptInstant(key, field, "'" + shown(iso) + "'");
        }
      }
    }
    long nanos;
    try {
      nanos = decimal(key, field, encoded);
    } catch (IllegalStateException e) {
      throw corruptInstant(
          key, field, "'" + shown(new String(encoded, StandardCharsets.UTF_8)) + "'");
    }
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
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
    return encoded == null ? null : decodeEmbedding(key, encoded.getBytes(StandardCharsets.UTF_8));
  }

  /** The embedding in the raw bytes of field {@code e}: null when absent (or empty). */
  static float @Nullable [] decodeEmbedding(String key, byte @Nullable [] encoded) {
    if (encoded == null || encoded.length == 0) {
      return null;
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw corruptEmbedding(key, new String(encoded, StandardCharsets.UTF_8));
    }
    if (bytes.length % Float.BYTES != 0) {
      throw corruptEmbedding(key, new String(encoded, StandardCharsets.UTF_8));
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
