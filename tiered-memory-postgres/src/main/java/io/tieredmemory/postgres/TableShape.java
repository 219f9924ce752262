package io.tieredmemory.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape a store's relations must have, and the checks against what the catalogs say is there:
 * the memory table's and the journal's columns per schema version, and the messages naming what was
 * expected and what was found. {@link Schema} runs these checks before migrating and on every
 * build.
 */
final class TableShape {
  /** A column as {@code format_type} spells its type, and the schema version that added it. */
  record Column(String name, String type, int since) {
    @Override
    public String toString() {
      return name + " " + type;
    }
  }

  /**
   * The memory table's columns at {@link Schema#latest()}. A migration that adds a column lists it
   * here too, so a table of the wrong shape is refused before any statement touches it.
   */
  static final List<Column> MEMORY_COLUMNS =
      List.of(
          new Column("key", "text", 1),
          new Column("content", "text", 1),
          new Column("content_escaped", "boolean", 1),
          new Column("metadata", "text", 1),
          new Column("created_ns", "bigint", 1),
          new Column("updated_ns", "bigint", 1),
          new Column("version", "bigint", 1),
          new Column("access_count", "bigint", 1),
          new Column("last_access", "bigint", 1),
          new Column("size", "bigint", 1),
          new Column("search", "tsvector", 1),
          new Column("archived", "boolean", 4),
          new Column("embedding", "bytea", Migrations.EMBEDDINGS),
          new Column("recent_access", "bigint", Migrations.HOT_ACCESS));

  /** The journal's columns: exactly these, since a memory table has them too, among others. */
  static final List<Column> JOURNAL_COLUMNS =
      List.of(
          new Column("key", "text", 2),
          new Column("version", "bigint", 2),
          new Column("tier", "smallint", 4));

  /** The embedder record's columns (from schema version 5): exactly these. */
  static final List<Column> EMBEDDER_COLUMNS =
      List.of(
          new Column("one", "boolean", Migrations.EMBEDDINGS),
          new Column("id", "text", Migrations.EMBEDDINGS),
          new Column("dimension", "integer", Migrations.EMBEDDINGS),
          new Column("recorded_at", "timestamp with time zone", Migrations.EMBEDDINGS));

  /** The history table's columns (from schema version 6): exactly these. */
  static final List<Column> HISTORY_COLUMNS =
      List.of(
          new Column("id", "bigint", Migrations.HISTORY),
          new Column("key", "text", Migrations.HISTORY),
          new Column("at", "timestamp with time zone", Migrations.HISTORY),
          new Column("instance", "text", Migrations.HISTORY),
          new Column("kind", "text", Migrations.HISTORY),
          new Column("version", "bigint", Migrations.HISTORY),
          new Column("from_tier", "text", Migrations.HISTORY),
          new Column("to_tier", "text", Migrations.HISTORY),
          new Column("reason", "text", Migrations.HISTORY),
          new Column("detail", "text", Migrations.HISTORY),
          new Column("inputs", "text", Migrations.HISTORY));

  /** The journal's columns before notes named their tier (schema versions 2 and 3). */
  static final List<Column> LEGACY_JOURNAL_COLUMNS = JOURNAL_COLUMNS.subList(0, 2);

  private TableShape() {}

  /**
   * Checks the memory table, its journal and its embedder record are tables of the latest version's
   * columns.
   */
  static void check(Connection c, TableName table) throws SQLException {
    checkMemoryTable(c, table, Schema.latest(), false);
    checkJournal(c, table, Schema.latest());
    checkEmbedderRecord(c, table);
    checkHistory(c, table);
  }

  /** Checks the history is a table with exactly {@link #HISTORY_COLUMNS}. */
  static void checkHistory(Connection c, TableName table) throws SQLException {
    checkHistory(c, table, false);
  }

  /**
   * Before the migration that creates it: a relation under the history's name must be the history
   * already (its CREATE ... IF NOT EXISTS would otherwise take it).
   */
  static void checkHistoryIfPresent(Connection c, TableName table) throws SQLException {
    checkHistory(c, table, true);
  }

  private static void checkHistory(Connection c, TableName table, boolean mayBeAbsent)
      throws SQLException {
    Relation history = describe(c, table.derivedName("history"));
    if (mayBeAbsent && history.kind() == null) {
      return;
    }
    if (!history.isTable() || !history.columns().equals(names(HISTORY_COLUMNS))) {
      throw new IllegalStateException(
          "history '"
              + table.derivedName("history")
              + "' of table '"
              + table.name()
              + "' (schema '"
              + history.schema()
              + "'): expected a table with exactly the columns "
              + list(names(HISTORY_COLUMNS))
              + ", found "
              + history.found()
              + "; drop or rename that relation");
    }
  }

  /** Checks the embedder record is a table with exactly {@link #EMBEDDER_COLUMNS}. */
  static void checkEmbedderRecord(Connection c, TableName table) throws SQLException {
    Relation record = describe(c, table.derivedName("embedder"));
    if (!record.isTable() || !record.columns().equals(names(EMBEDDER_COLUMNS))) {
      throw new IllegalStateException(
          "embedder record '"
              + table.derivedName("embedder")
              + "' of table '"
              + table.name()
              + "' (schema '"
              + record.schema()
              + "'): expected a table with exactly the columns "
              + list(names(EMBEDDER_COLUMNS))
              + ", found "
              + record.found()
              + "; drop or rename that relation");
    }
  }

  /** Checks the journal is a table with exactly the columns of {@code version}. */
  static void checkJournal(Connection c, TableName table, int version) throws SQLException {
    List<Column> columns = new ArrayList<>();
    for (Column column : JOURNAL_COLUMNS) {
      if (column.since() <= version) {
        columns.add(column);
      }
    }
    Relation journal = describe(c, table.derivedName("journal"));
    if (!journal.isTable() || !journal.columns().equals(names(columns))) {
      throw new IllegalStateException(
          "journal '"
              + table.derivedName("journal")
              + "' of table '"
              + table.name()
              + "' (schema '"
              + journal.schema()
              + "'): expected a table with exactly the columns "
              + list(names(columns))
              + ", found "
              + journal.found()
              + "; drop or rename that relation");
    }
  }

  /**
   * Checks the memory table has every column of {@code version} with its type; other columns are
   * allowed (statements name the columns they use). {@code mayBeAbsent}: no relation is fine.
   */
  static void checkMemoryTable(Connection c, TableName table, int version, boolean mayBeAbsent)
      throws SQLException {
    Relation found = describe(c, table.name());
    if (mayBeAbsent && found.kind() == null) {
      return;
    }
    List<String> expected = new ArrayList<>();
    for (Column column : MEMORY_COLUMNS) {
      if (column.since() <= version) {
        expected.add(column.toString());
      }
    }
    if (found.isTable() && found.columns().containsAll(expected)) {
      return;
    }
    List<String> missing = new ArrayList<>(expected);
    missing.removeAll(found.columns());
    throw new IllegalStateException(
        "table '"
            + table.name()
            + "' (schema '"
            + found.schema()
            + "'): expected a table with columns "
            + list(expected)
            + ", found "
            + found.found()
            + (found.isTable() ? " (missing: " + String.join(", ", missing) + ")" : "")
            + (found.kind() == null
                ? "; if the table was dropped by hand, also delete its row in "
                    + Schema.VERSION_TABLE
                    + " (table_name '"
                    + table.name()
                    + "') and build again"
                : "; use another table name, or drop or rename that relation")
            + legacyHint(table, found));
  }

  /**
   * A store not yet opened by this version still has its journal and indexes under names that are
   * valid table names; opening it once renames them and frees the name.
   */
  private static String legacyHint(TableName table, Relation found) {
    String name = table.name();
    String owner = null;
    if (found.indexOn() != null) {
      owner = found.indexOn();
    } else if (found.isTable()
        && found.columns().equals(names(LEGACY_JOURNAL_COLUMNS))
        && name.endsWith("_journal")) {
      owner = name.substring(0, name.length() - "_journal".length());
    }
    return owner == null
        ? ""
        : " (if table '"
            + owner
            + "' is a store not yet opened with schema version 3 or later, build it once: its migration"
            + " renames that relation)";
  }

  /** A relation in the current schema as the catalogs describe it; kind null if there is none. */
  private record Relation(String schema, String kind, List<String> columns, String indexOn) {
    boolean isTable() {
      return "r".equals(kind) || "p".equals(kind);
    }

    String found() {
      if (kind == null) {
        return "no relation of that name";
      }
      String what =
          switch (kind) {
            case "r" -> "a table";
            case "p" -> "a partitioned table";
            case "i" -> "an index";
            case "I" -> "a partitioned index";
            case "v" -> "a view";
            case "m" -> "a materialized view";
            case "S" -> "a sequence";
            case "f" -> "a foreign table";
            case "c" -> "a composite type";
            default -> "a relation of kind '" + kind + "'";
          };
      if (indexOn != null) {
        return what + " on table '" + indexOn + "'";
      }
      return isTable() ? what + " with columns " + list(columns) : what;
    }
  }

  private static Relation describe(Connection c, String name) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT s.name, r.relkind::text, ARRAY(SELECT a.attname || ' '"
                + " || format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
                + " WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped"
                + " ORDER BY a.attnum)::text[],"
                + " (SELECT t.relname::text FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid"
                + " WHERE x.indexrelid = r.oid)"
                + " FROM (SELECT current_schema()::text AS name) s"
                + " LEFT JOIN pg_namespace n ON n.nspname = s.name"
                + " LEFT JOIN pg_class r ON r.relnamespace = n.oid AND r.relname = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        Array columns = rs.getArray(3);
        return new Relation(
            rs.getString(1),
            rs.getString(2),
            columns == null ? List.of() : List.of((String[]) columns.getArray()),
            rs.getString(4));
      }
    }
  }

  private static List<String> names(List<Column> columns) {
    List<String> out = new ArrayList<>();
    columns.forEach(column -> out.add(column.toString()));
    return out;
  }

  private static String list(List<String> columns) {
    return "(" + String.join(", ", columns) + ")";
  }
}
