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

  private static final Pattern VALID = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

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
   * A quoted name derived from this one, e.g. for an index. Shortened with a hash of the table name
   * when it would exceed 63 chars, because PostgreSQL would silently truncate it and two long table
   * names with a common prefix would then fight over the same index name.
   */
  String derived(String suffix) {
    String full = name + "_" + suffix;
    if (full.length() <= MAX_IDENTIFIER) {
      return '"' + full + '"';
    }
    String hash = String.format("%08x", fnv32(name));
    int keep = MAX_IDENTIFIER - suffix.length() - hash.length() - 2;
    return '"' + name.substring(0, keep) + "_" + hash + "_" + suffix + '"';
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
