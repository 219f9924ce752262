package io.tieredmemory.springai;

import io.tieredmemory.core.MemoryLimits;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A {@code Document}'s metadata ({@code Map<String, Object>}) as a memory's string metadata, and
 * back: each entry keeps its key, and its value is written as a JSON literal ({@code "BG"}, {@code
 * 2023}, {@code 0.5}, {@code true}, {@code ["a",1]}), so that its type comes back: strings as
 * {@code String}, integers as {@code Integer} (or {@code Long}, {@code BigInteger} when larger),
 * other numbers as {@code Double}, booleans as {@code Boolean}, lists as {@code List}. A {@link
 * Date} is written as the text Spring AI's stores compare dates with ({@code
 * yyyy-MM-dd'T'HH:mm:ss'Z'}, UTC). A stored value that is not JSON (a memory written by other code
 * under the store's key prefix) reads back as the string it is.
 */
final class DocumentMetadataCodec {

  /** The text a date is stored and compared as, as Spring AI's own stores do. */
  static final DateTimeFormatter DATE_FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private static final JsonMapping JSON = Json.defaults();

  private DocumentMetadataCodec() {}

  /**
   * The memory metadata for a document's metadata.
   *
   * @throws IllegalArgumentException naming the document, the key and the value's type when a value
   *     is not a string, a finite number, a boolean, a date, or a list of those
   */
  static Map<String, String> encode(String documentId, Map<String, Object> metadata) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : metadata.entrySet()) {
      Object value = normalize(documentId, e.getKey(), e.getValue());
      try {
        out.put(e.getKey(), JSON.write(value));
      } catch (JsonFailure ex) {
        throw new IllegalArgumentException(
            "document "
                + MemoryLimits.quote(documentId)
                + ": metadata "
                + MemoryLimits.quote(e.getKey())
                + " could not be written as JSON: "
                + ex.originalMessage(),
            ex);
      }
    }
    return out;
  }

  private static Object normalize(String documentId, String key, @Nullable Object value) {
    if (value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Number n) {
      if (n instanceof Double || n instanceof Float) {
        double d = n.doubleValue();
        if (!Double.isFinite(d)) {
          throw refused(documentId, key, value, "a number that is not finite (" + d + ")");
        }
      }
      if (n instanceof Integer
          || n instanceof Long
          || n instanceof Short
          || n instanceof Byte
          || n instanceof Double
          || n instanceof Float
          || n instanceof BigInteger
          || n instanceof BigDecimal) {
        return n;
      }
      throw refused(documentId, key, value, "a " + n.getClass().getName());
    }
    if (value instanceof Date date) {
      return DATE_FORMAT.format(date.toInstant());
    }
    if (value instanceof Collection<?> c) {
      List<Object> list = new ArrayList<>(c.size());
      for (Object item : c) {
        if (item instanceof Collection<?>) {
          throw refused(documentId, key, value, "a list holding a list");
        }
        list.add(normalize(documentId, key, item));
      }
      return list;
    }
    throw refused(
        documentId, key, value, value == null ? "null" : "a " + value.getClass().getName());
  }

  private static IllegalArgumentException refused(
      String documentId, String key, @Nullable Object value, String what) {
    return new IllegalArgumentException(
        "document "
            + MemoryLimits.quote(documentId)
            + ": metadata "
            + MemoryLimits.quote(key)
            + " is "
            + what
            + " ("
            + MemoryLimits.quote(String.valueOf(value))
            + "); a TieredVectorStore keeps strings, finite numbers, booleans, dates and lists of"
            + " those");
  }

  /** The document metadata a memory's metadata holds. */
  static Map<String, Object> decode(Map<String, String> metadata) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      Object value = decodeValue(e.getValue());
      if (value != null) {
        out.put(e.getKey(), value);
      }
    }
    return out;
  }

  /** One stored value: its JSON, or the string itself when it is not JSON (null for JSON null). */
  static @Nullable Object decodeValue(@Nullable String stored) {
    if (stored == null) {
      return null;
    }
    if (stored.isEmpty()) {
      return stored;
    }
    char c = stored.charAt(0);
    boolean jsonStart =
        c == '"' || c == '[' || c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f';
    if (!jsonStart) {
      return stored;
    }
    try {
      Object value = JSON.read(stored, Object.class);
      return value instanceof Map<?, ?> ? stored : value;
    } catch (JsonFailure e) {
      return stored;
    }
  }
}
