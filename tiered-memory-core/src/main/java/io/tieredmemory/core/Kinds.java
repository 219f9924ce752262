package io.tieredmemory.core;

import io.tieredmemory.core.internal.Validation;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a store sorts its memories into kinds of knowledge, for the {@code kind} dimension of its
 * metrics, its {@link TieredMemory#kindStats() kind counts} and the live view: "which knowledge is
 * hot, warm, cold, and how it moves". A classifier reads one metadata field ({@link #byMetadata})
 * or the start of the key up to a delimiter ({@link #byKeyPrefix}); a cap keeps the number of
 * kinds, and so of series, bounded whatever the data holds.
 *
 * <pre>{@code
 * TieredMemory store = TieredMemory.builder("agent")
 *     .kinds(Kinds.byMetadata("kind").max(20))    // first 20 kinds seen, then "other"
 *     .build();
 * TieredMemory.builder("agent")
 *     .kinds(Kinds.byKeyPrefix(":").only(Set.of("user", "doc", "policy")));  // a fixed list
 * }</pre>
 *
 * <p><b>Labels.</b> A memory's kind is the field's value (or the key's prefix). A memory without
 * the field (or the delimiter), or with an empty value, is of kind {@value #NONE}. Kinds that get
 * their own label are, with {@link #only}, exactly the listed ones; otherwise the first {@link
 * #max} distinct kinds the store meets, in a count ({@link TieredMemory#kindStats()}, largest kinds
 * first) or in a move, kept for the life of the store (sticky: a label never changes meaning while
 * the store is open, so a series never jumps from one kind to another). Every other kind is counted
 * as {@value #OTHER}. So a store has at most {@code max + 2} kind labels. Two instances sharing the
 * tiers may admit different kinds first; give them a fixed list ({@link #only}) when their series
 * must agree. A kind named {@code none} or {@code other} in the data is counted with those labels.
 *
 * <p>Immutable and thread safe; each store keeps its own admitted kinds.
 */
public final class Kinds {
  /** The label of memories without a kind (no such field, an empty value, no delimiter). */
  public static final String NONE = "none";

  /** The label of kinds beyond the cap, or not in the fixed list. */
  public static final String OTHER = "other";

  /** The default cap on kinds with their own label ({@link #max}). */
  public static final int DEFAULT_MAX = 20;

  /** The hard upper limit of {@link #max} and of the size of {@link #only}'s list. */
  public static final int MAX_LIMIT = 100;

  /**
   * The longest kind (in characters) that gets a label of its own; longer ones are {@value #OTHER}.
   */
  public static final int MAX_KIND_LENGTH = 64;

  /** Where a memory's kind is read from. */
  public enum Source {
    /** A metadata field's value. */
    METADATA,
    /** The key up to (not including) the first occurrence of a delimiter. */
    KEY_PREFIX
  }

  private final Source source;
  private final String selector;
  private final int max;
  private final Set<String> only;

  private Kinds(Source source, String selector, int max, Set<String> only) {
    this.source = source;
    this.selector = selector;
    this.max = max;
    this.only = only;
  }

  /**
   * Kinds read from the metadata field {@code field}.
   *
   * @throws IllegalArgumentException if {@code field} is null or blank
   */
  public static Kinds byMetadata(String field) {
    return new Kinds(
        Source.METADATA, Validation.requireNonBlank("field", field), DEFAULT_MAX, Set.of());
  }

  /**
   * Kinds read from the key: its part before the first {@code delimiter} ({@code "user:42"} with
   * {@code ":"} is of kind {@code user}); a key without the delimiter is of kind {@value #NONE}.
   *
   * @throws IllegalArgumentException if {@code delimiter} is null or empty
   */
  public static Kinds byKeyPrefix(String delimiter) {
    if (delimiter == null || delimiter.isEmpty()) {
      throw new IllegalArgumentException(
          "delimiter must be a non-empty string, was "
              + (delimiter == null ? "null" : "'" + delimiter + "'"));
    }
    return new Kinds(Source.KEY_PREFIX, delimiter, DEFAULT_MAX, Set.of());
  }

  /**
   * At most {@code max} kinds get a label of their own (default {@value #DEFAULT_MAX}); the rest
   * are {@value #OTHER}. Ignored with {@link #only}, whose list is the cap.
   *
   * @throws IllegalArgumentException if {@code max} is not between 1 and {@value #MAX_LIMIT}
   */
  public Kinds max(int max) {
    if (max < 1 || max > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "max must be between 1 and " + MAX_LIMIT + " kinds, was " + max);
    }
    return new Kinds(source, selector, only.isEmpty() ? max : this.max, only);
  }

  /**
   * Exactly these kinds get a label of their own, from the start; every other is {@value #OTHER}
   * (memories without a kind stay {@value #NONE}).
   *
   * @throws IllegalArgumentException if {@code kinds} is null or empty, has more than {@value
   *     #MAX_LIMIT} entries, or an entry that is blank, longer than {@value #MAX_KIND_LENGTH}
   *     characters, or {@code none} or {@code other}
   */
  public Kinds only(Set<String> kinds) {
    Validation.requireNonNull("kinds", kinds);
    if (kinds.isEmpty() || kinds.size() > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "kinds must list 1 to " + MAX_LIMIT + " kinds, had " + kinds.size());
    }
    Set<String> sorted = new TreeSet<>();
    for (String k : kinds) {
      if (k == null || k.isBlank() || k.length() > MAX_KIND_LENGTH) {
        throw new IllegalArgumentException(
            "kinds must be non-blank and at most "
                + MAX_KIND_LENGTH
                + " characters, was "
                + (k == null ? "null" : "'" + k + "'"));
      }
      if (k.equals(NONE) || k.equals(OTHER)) {
        throw new IllegalArgumentException(
            "kinds must not include '" + k + "' (the store's own label), was " + kinds);
      }
      sorted.add(k);
    }
    return new Kinds(
        source, selector, sorted.size(), Collections.unmodifiableSet(new LinkedHashSet<>(sorted)));
  }

  /** Where a memory's kind is read from. */
  public Source source() {
    return source;
  }

  /**
   * The metadata field ({@link Source#METADATA}) or the key's delimiter ({@link
   * Source#KEY_PREFIX}).
   */
  public String selector() {
    return selector;
  }

  /** The most kinds with a label of their own ({@code only}'s size when a list is fixed). */
  public int maxKinds() {
    return max;
  }

  /** The fixed list of kinds ({@link #only}), sorted, or empty when kinds are admitted as seen. */
  public Set<String> fixed() {
    return only;
  }

  /**
   * The raw kind of a memory, before the cap: the field's value or the key's prefix, or {@code ""}
   * when it has none. For backends counting kinds ({@code TierStore.countByKind}).
   */
  public String rawKindOf(String key, Map<String, String> metadata) {
    if (source == Source.METADATA) {
      String v = metadata.get(selector);
      return v == null ? "" : v;
    }
    int at = key.indexOf(selector);
    return at < 0 ? "" : key.substring(0, at);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Kinds k
        && k.source == source
        && k.selector.equals(selector)
        && k.max == max
        && k.only.equals(only);
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, selector, max, only);
  }

  @Override
  public String toString() {
    String base =
        source == Source.METADATA
            ? "Kinds.byMetadata(\"" + selector + "\")"
            : "Kinds.byKeyPrefix(\"" + selector + "\")";
    return only.isEmpty() ? base + ".max(" + max + ")" : base + ".only(" + only + ")";
  }
}
