package io.tieredmemory.core;

import io.tieredmemory.core.internal.Validation;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Limits on what a caller may store, checked before anything is written. Every violation throws
 * {@link IllegalArgumentException} naming the field and the offending value (abbreviated when
 * long).
 *
 * <p>Keys must be non-blank, at most {@link #maxKeyLength()} characters, and free of control
 * characters and unpaired surrogates (keys end up in Redis keys, SQL rows and Chroma ids). Content
 * may hold any valid Unicode text, including control characters such as newlines, but no unpaired
 * surrogates (they cannot be stored as UTF-8 and would come back changed). Metadata keys must be
 * non-blank, must not start with the reserved prefix {@code tm_}, and neither keys nor values may
 * be null.
 *
 * <pre>{@code
 * MemoryLimits limits = MemoryLimits.defaults().withMaxContentLength(64 * 1024);
 * }</pre>
 *
 * @param maxKeyLength maximum key length in UTF-16 chars, at least 1 (default 512)
 * @param maxContentLength maximum content length in UTF-16 chars, at least 1 (default 1,000,000)
 * @param maxMetadataEntries maximum number of metadata entries, at least 0 (default 32)
 * @param maxMetadataKeyLength maximum metadata key length, at least 1 (default 128)
 * @param maxMetadataValueLength maximum metadata value length, at least 1 (default 4096)
 */
public record MemoryLimits(
    int maxKeyLength,
    int maxContentLength,
    int maxMetadataEntries,
    int maxMetadataKeyLength,
    int maxMetadataValueLength) {

  /** Metadata keys starting with this prefix are reserved for the tiers' own bookkeeping. */
  public static final String RESERVED_METADATA_PREFIX = "tm_";

  private static final int SHOWN = 64;

  /** Validates every limit. */
  public MemoryLimits {
    Validation.requireAtLeast("maxKeyLength", maxKeyLength, 1);
    Validation.requireAtLeast("maxContentLength", maxContentLength, 1);
    Validation.requireAtLeast("maxMetadataEntries", maxMetadataEntries, 0);
    Validation.requireAtLeast("maxMetadataKeyLength", maxMetadataKeyLength, 1);
    Validation.requireAtLeast("maxMetadataValueLength", maxMetadataValueLength, 1);
  }

  /** The defaults: keys up to 512 chars, content up to 1,000,000 chars, 32 metadata entries. */
  public static MemoryLimits defaults() {
    return new MemoryLimits(512, 1_000_000, 32, 128, 4096);
  }

  /** A copy with another maximum content length. */
  public MemoryLimits withMaxContentLength(int value) {
    return new MemoryLimits(
        maxKeyLength, value, maxMetadataEntries, maxMetadataKeyLength, maxMetadataValueLength);
  }

  /** A copy with another maximum key length. */
  public MemoryLimits withMaxKeyLength(int value) {
    return new MemoryLimits(
        value, maxContentLength, maxMetadataEntries, maxMetadataKeyLength, maxMetadataValueLength);
  }

  /**
   * Checks a key.
   *
   * @throws IllegalArgumentException naming {@code key} and the value when it is invalid
   */
  public void checkKey(String key) {
    if (key == null) {
      throw new IllegalArgumentException("key must not be null");
    }
    if (key.isBlank()) {
      throw new IllegalArgumentException("key must not be blank, was " + quote(key));
    }
    if (key.length() > maxKeyLength) {
      throw new IllegalArgumentException(
          "key must be at most "
              + maxKeyLength
              + " chars, was "
              + key.length()
              + " chars: "
              + quote(key));
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            "key must not contain control characters, found U+"
                + String.format("%04X", (int) c)
                + " at index "
                + i
                + " in "
                + quote(key));
      }
    }
    checkSurrogates("key", key);
  }

  /**
   * Checks content.
   *
   * @throws IllegalArgumentException naming {@code content} when it is invalid
   */
  public void checkContent(String key, String content) {
    if (content == null) {
      throw new IllegalArgumentException("content must not be null (key " + quote(key) + ")");
    }
    if (content.length() > maxContentLength) {
      throw new IllegalArgumentException(
          "content must be at most "
              + maxContentLength
              + " chars, was "
              + content.length()
              + " chars (key "
              + quote(key)
              + ")");
    }
    checkSurrogates("content", content);
  }

  /**
   * Checks metadata.
   *
   * @throws IllegalArgumentException naming {@code metadata} and the entry when it is invalid
   */
  public void checkMetadata(String key, Map<String, String> metadata) {
    if (metadata == null) {
      throw new IllegalArgumentException("metadata must not be null (key " + quote(key) + ")");
    }
    if (metadata.size() > maxMetadataEntries) {
      throw new IllegalArgumentException(
          "metadata must have at most "
              + maxMetadataEntries
              + " entries, had "
              + metadata.size()
              + " (key "
              + quote(key)
              + ")");
    }
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      String name = e.getKey();
      String value = e.getValue();
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException(
            "metadata key must not be null or blank, was " + quote(name));
      }
      if (name.length() > maxMetadataKeyLength) {
        throw new IllegalArgumentException(
            "metadata key must be at most "
                + maxMetadataKeyLength
                + " chars, was "
                + name.length()
                + ": "
                + quote(name));
      }
      if (name.startsWith(RESERVED_METADATA_PREFIX)) {
        throw new IllegalArgumentException(
            "metadata key must not start with the reserved prefix '"
                + RESERVED_METADATA_PREFIX
                + "', was "
                + quote(name));
      }
      checkSurrogates("metadata key", name);
      if (value == null) {
        throw new IllegalArgumentException(
            "metadata value must not be null, was null for metadata key " + quote(name));
      }
      if (value.length() > maxMetadataValueLength) {
        throw new IllegalArgumentException(
            "metadata value must be at most "
                + maxMetadataValueLength
                + " chars, was "
                + value.length()
                + " for metadata key "
                + quote(name)
                + ": "
                + quote(value));
      }
      checkSurrogates("metadata value", value);
    }
  }

  private static void checkSurrogates(String field, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        throw unpaired(field, s, c, i);
      }
      if (Character.isLowSurrogate(c)) {
        throw unpaired(field, s, c, i);
      }
    }
  }

  private static IllegalArgumentException unpaired(String field, String s, char c, int index) {
    // Content is never quoted in messages (they end up in logs); keys and metadata are.
    return new IllegalArgumentException(
        field
            + " must be valid UTF-16, found an unpaired surrogate U+"
            + String.format("%04X", (int) c)
            + " at index "
            + index
            + (field.equals("content") ? "" : " in " + quote(s)));
  }

  /**
   * How the store quotes a key or value in an error message: in single quotes, the first 64 chars,
   * control characters and unpaired surrogates escaped as {@code \\uXXXX}, {@code null} for null.
   * For adapters that name keys in their own errors the way the store does.
   */
  public static String quote(@Nullable String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder("'");
    int shown = Math.min(s.length(), SHOWN);
    for (int i = 0; i < shown; i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c) || Character.isSurrogate(c)) {
        b.append(String.format("\\u%04X", (int) c));
      } else {
        b.append(c);
      }
    }
    if (s.length() > SHOWN) {
      b.append("...");
    }
    return b.append('\'').toString();
  }
}
