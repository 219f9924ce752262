package io.tieredmemory.postgres;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A validated table name: the only text ever interpolated into this module's SQL. Everything else
 * goes through bind parameters.
 */
final class TableName {
  /** PostgreSQL truncates identifiers longer than this (NAMEDATALEN - 1). */
  static final int MAX_IDENTIFIER = 63;

  /** Joins a table name to a suffix in {@link #derived} names; never valid in a table name. */
  static final char DERIVED_SEPARATOR = '$';

  /** The longest suffix {@link #derived} takes: a shortened name keeps 33+ chars of the table. */
  static final int MAX_SUFFIX = 20;

  private static final Pattern VALID = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Pattern SUFFIX =
      Pattern.compile("[a-z][a-z0-9_]{0," + (MAX_SUFFIX - 1) + "}");

  private final String name;

  private TableName(String name) {
    this.name = name;
  }

  /**
   * Validates {@code name}.
   *
   * @throws IllegalArgumentException naming {@code table} and the value when invalid
   */
  static TableName of(String name) {
    if (name == null) {
      throw new IllegalArgumentException("table must not be null");
    }
    if (!VALID.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "table must match [a-z_][a-z0-9_]{0,62} (lower-case letters, digits and underscores,"
              + " at most 63 chars, not starting with a digit), was '"
              + printable(name)
              + "'");
    }
    if (name.equals(Schema.VERSION_TABLE)) {
      throw new IllegalArgumentException(
          "table must not be '" + name + "': that name is reserved for schema versions");
    }
    return new TableName(name);
  }

  /** The bare name, as stored in the schema version table. */
  String name() {
    return name;
  }

  /** The name quoted for SQL, so reserved words such as {@code order} are valid table names. */
  String sql() {
    return '"' + name + '"';
  }

  /**
   * The quoted name of a relation belonging to this table: its journal, an index, its primary key.
   * Every migration from schema version 3 on names such relations through this method.
   *
   * <p>Table and index names share one namespace in PostgreSQL, and {@code CREATE ... IF NOT
   * EXISTS} silently accepts whatever already holds a name. Derived names therefore contain a
   * {@value #DERIVED_SEPARATOR}, which {@link #of} refuses in a table name but PostgreSQL accepts
   * in a quoted identifier, so no memory table, whatever it is called, can ever hold a derived name
   * or take one away: {@code "agent$journal"} cannot be a memory table, whereas {@code
   * agent_journal} could. The suffix contains no separator, so each derived name splits back into
   * exactly one table name and suffix.
   *
   * <p>A name longer than 63 chars would be silently truncated by PostgreSQL, so two long table
   * names with a common prefix would then fight over one relation; such a name keeps the table
   * name's start, then a hash of the whole table name between two separators: {@code <start>$<8 hex
   * digits>$<suffix>}, exactly 63 chars. Having two separators, it never equals a short derived
   * name.
   *
   * @throws IllegalArgumentException if {@code suffix} is not 1 to {@value #MAX_SUFFIX} lower-case
   *     letters, digits and underscores starting with a letter
   */
  String derived(String suffix) {
    return quote(derivedName(suffix));
  }

  /** {@link #derived} without the quotes, as the catalogs store it. */
  String derivedName(String suffix) {
    if (suffix == null || !SUFFIX.matcher(suffix).matches()) {
      throw new IllegalArgumentException(
          "suffix must match [a-z][a-z0-9_]{0,"
              + (MAX_SUFFIX - 1)
              + "}, was '"
              + (suffix == null ? "null" : printable(suffix))
              + "'");
    }
    String full = name + DERIVED_SEPARATOR + suffix;
    if (full.length() <= MAX_IDENTIFIER) {
      return full;
    }
    String hash = String.format("%08x", fnv32(name));
    int keep = MAX_IDENTIFIER - suffix.length() - hash.length() - 2;
    return name.substring(0, keep) + DERIVED_SEPARATOR + hash + DERIVED_SEPARATOR + suffix;
  }

  /**
   * The quoted name schema versions 1 and 2 gave a derived relation ({@code <table>_<suffix>},
   * hashed when long): a valid table name, hence the collisions {@link #derived} avoids. Only the
   * migrations that created those relations, and the one that renames them, use it.
   */
  String legacyDerived(String suffix) {
    return quote(legacyDerivedName(suffix));
  }

  /** {@link #legacyDerived} without the quotes. */
  String legacyDerivedName(String suffix) {
    String full = name + "_" + suffix;
    if (full.length() <= MAX_IDENTIFIER) {
      return full;
    }
    String hash = String.format("%08x", fnv32(name));
    int keep = MAX_IDENTIFIER - suffix.length() - hash.length() - 2;
    return name.substring(0, keep) + "_" + hash + "_" + suffix;
  }

  private static String quote(String identifier) {
    return '"' + identifier + '"';
  }

  private static int fnv32(String s) {
    int h = 0x811c9dc5;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x01000193;
    }
    return h;
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    int shown = Math.min(s.length(), 80);
    for (int i = 0; i < shown; i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c)) {
        b.append(String.format("\\u%04X", (int) c));
      } else {
        b.append(c);
      }
    }
    return s.length() > shown ? b.append("...").toString() : b.toString();
  }

  @Override
  public String toString() {
    return name;
  }
}
