package io.tieredmemory.postgres;

import io.tieredmemory.core.TieredMemoryException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The table's schema and its migrations. Each store table has one row in {@value #VERSION_TABLE}
 * (in the same PostgreSQL schema) giving the last migration applied to it. Migrations run in one
 * transaction under a transaction-scoped advisory lock, so instances starting at once apply each
 * migration exactly once and never race on {@code CREATE ... IF NOT EXISTS}.
 */
final class Schema {
  /** The table holding one schema version row per store table. */
  static final String VERSION_TABLE = "tiered_memory_schema";

  /** Characters of content indexed for full text: keeps each tsvector well under its 1 MB cap. */
  static final int INDEXED_CHARS = 100_000;

  /** The advisory lock serialising schema work in the database ("tmschema" in ASCII). */
  static final long LOCK = 0x746d736368656d61L;

  /** One step from the previous version. */
  record Migration(int version, String description, List<String> statements) {}

  /** A column as {@code format_type} spells its type, and the schema version that added it. */
  record Column(String name, String type, int since) {
    @Override
    public String toString() {
      return name + " " + type;
    }
  }

  /**
   * The memory table's columns at {@link #latest()}. A migration that adds a column lists it here
   * too, so a table of the wrong shape is refused before any statement touches it.
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
          new Column("archived", "boolean", 4));

  /** The journal's columns: exactly these, since a memory table has them too, among others. */
  static final List<Column> JOURNAL_COLUMNS =
      List.of(
          new Column("key", "text", 2),
          new Column("version", "bigint", 2),
          new Column("tier", "smallint", 4));

  /** The journal's columns before notes named their tier (schema versions 2 and 3). */
  static final List<Column> LEGACY_JOURNAL_COLUMNS = JOURNAL_COLUMNS.subList(0, 2);

  /** Every migration, oldest first. Append; never edit one that has shipped. */
  static List<Migration> migrations(TableName table) {
    String t = table.sql();
    return List.of(
        new Migration(
            1,
            "memories table, last-access index, full-text index",
            List.of(
                "CREATE TABLE IF NOT EXISTS "
                    + t
                    + " (key text COLLATE \"C\" PRIMARY KEY,"
                    + " content text NOT NULL,"
                    + " content_escaped boolean NOT NULL DEFAULT false,"
                    + " metadata text NOT NULL,"
                    + " created_ns bigint NOT NULL,"
                    + " updated_ns bigint NOT NULL,"
                    + " version bigint NOT NULL,"
                    + " access_count bigint NOT NULL,"
                    + " last_access bigint NOT NULL,"
                    + " size bigint NOT NULL,"
                    + " search tsvector GENERATED ALWAYS AS"
                    + " (to_tsvector('simple'::regconfig, left(content, "
                    + INDEXED_CHARS
                    + "))) STORED)",
                "CREATE INDEX IF NOT EXISTS "
                    + table.legacyDerived("last_access_idx")
                    + " ON "
                    + t
                    + " (last_access, key)",
                "CREATE INDEX IF NOT EXISTS "
                    + table.legacyDerived("search_idx")
                    + " ON "
                    + t
                    + " USING gin (search)")),
        new Migration(
            2,
            "reconcile journal: keys whose copies an interrupted move may have left behind",
            List.of(
                "CREATE TABLE IF NOT EXISTS "
                    + table.legacyDerived("journal")
                    + " (key text COLLATE \"C\" PRIMARY KEY, version bigint NOT NULL)")),
        new Migration(
            3,
            "derived relations renamed to names no memory table can have (TableName.derived)",
            List.of(
                renamePrimaryKey(table.name(), table.derivedName("pkey")),
                renameLegacyIndex(table, "last_access_idx"),
                createIndex(table, "last_access_idx", "(last_access, key)"),
                renameLegacyIndex(table, "search_idx"),
                createIndex(table, "search_idx", "USING gin (search)"),
                renameLegacyJournal(table),
                "CREATE TABLE IF NOT EXISTS "
                    + table.derived("journal")
                    + " (key text COLLATE \"C\" NOT NULL, version bigint NOT NULL, CONSTRAINT "
                    + table.derived("journal_pkey")
                    + " PRIMARY KEY (key))",
                renamePrimaryKey(table.derivedName("journal"), table.derivedName("journal_pkey")))),
        new Migration(
            4,
            "archive marks: an archived memory leaves its row (archived, content dropped), so WARM"
                + " alone says whether and where a key exists; journal notes name their tier",
            List.of(
                "ALTER TABLE "
                    + t
                    + " ADD COLUMN IF NOT EXISTS archived boolean NOT NULL DEFAULT false",
                // Sweeps list held memories oldest first; marks, the idlest rows of all, would
                // fill the front of a full index, so this one leaves them out.
                createIndex(table, "held_access_idx", "(last_access, key) WHERE NOT archived"),
                "DROP INDEX IF EXISTS " + table.derived("last_access_idx"),
                "ALTER TABLE "
                    + table.derived("journal")
                    + " ADD COLUMN IF NOT EXISTS tier smallint NOT NULL DEFAULT "
                    + Sql.COLD_NOTE,
                dropPrimaryKey(table.derivedName("journal")),
                "ALTER TABLE "
                    + table.derived("journal")
                    + " ADD CONSTRAINT "
                    + table.derived("journal_pkey")
                    + " PRIMARY KEY (tier, key)")));
  }

  /** Drops a table's primary key, whatever its name (an older one may keep PostgreSQL's). */
  private static String dropPrimaryKey(String relation) {
    return "DO $migrate$ DECLARE s oid := (SELECT oid FROM pg_namespace"
        + " WHERE nspname = current_schema()); pk name; BEGIN"
        + " SELECT k.conname INTO pk FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
        + " WHERE c.relnamespace = s AND c.relname = '"
        + relation
        + "' AND k.contype = 'p';"
        + " IF pk IS NOT NULL THEN EXECUTE format('ALTER TABLE %I.%I DROP CONSTRAINT %I',"
        + " current_schema(), '"
        + relation
        + "', pk); END IF; END $migrate$";
  }

  /**
   * Creates an index named {@code suffix} on the table, under its {@link TableName#derived} name:
   * the way every migration adds an index (e.g. {@code createIndex(table, "archived_idx", "(key)
   * WHERE archived")}).
   */
  static String createIndex(TableName table, String suffix, String definition) {
    return "CREATE INDEX IF NOT EXISTS "
        + table.derived(suffix)
        + " ON "
        + table.sql()
        + " "
        + definition;
  }

  /*
   * The renames below are PL/pgSQL blocks, so a migration stays a list of statements a DBA can run
   * by hand. Names go in as string literals: they are validated (lower-case letters, digits, '_'
   * and '$'), and no derived name contains the block's "$migrate$" quote, since a derived name's
   * separators enclose only the table name, a suffix, or 8 hex digits. The lookups are limited to
   * current_schema(), where the unqualified CREATE statements put the tables. A relation that is
   * not the table's own, or a new name already taken, is left alone: the CREATE ... IF NOT EXISTS
   * after the rename then makes the index or journal afresh (a primary key left under its old name
   * still works, it only keeps that name from being a memory table).
   */

  private static String renameLegacyIndex(TableName table, String suffix) {
    return "DO $migrate$ DECLARE s oid := (SELECT oid FROM pg_namespace"
        + " WHERE nspname = current_schema()); BEGIN"
        + " IF EXISTS (SELECT 1 FROM pg_index x"
        + " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
        + " WHERE i.relnamespace = s AND i.relname = '"
        + table.legacyDerivedName(suffix)
        + "' AND t.relnamespace = s AND t.relname = '"
        + table.name()
        + "') AND NOT EXISTS (SELECT 1 FROM pg_class WHERE relnamespace = s AND relname = '"
        + table.derivedName(suffix)
        + "') THEN EXECUTE format('ALTER INDEX %I.%I RENAME TO %I', current_schema(), '"
        + table.legacyDerivedName(suffix)
        + "', '"
        + table.derivedName(suffix)
        + "'); END IF; END $migrate$";
  }

  /**
   * The old journal name may hold another store's memory table (the collision this migration ends),
   * so it is taken only if it has exactly the journal's columns and is no registered store table.
   */
  private static String renameLegacyJournal(TableName table) {
    String old = table.legacyDerivedName("journal");
    return "DO $migrate$ DECLARE s oid := (SELECT oid FROM pg_namespace"
        + " WHERE nspname = current_schema()); BEGIN"
        + " IF EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = s AND c.relname = '"
        + old
        + "' AND c.relkind = 'r' AND NOT EXISTS (SELECT 1 FROM "
        + VERSION_TABLE
        + " WHERE table_name = '"
        + old
        + "') AND ARRAY(SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod)"
        + " FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0"
        + " AND NOT a.attisdropped ORDER BY a.attnum) = ARRAY['key text', 'version bigint'])"
        + " AND NOT EXISTS (SELECT 1 FROM pg_class WHERE relnamespace = s AND relname = '"
        + table.derivedName("journal")
        + "') THEN EXECUTE format('ALTER TABLE %I.%I RENAME TO %I', current_schema(), '"
        + old
        + "', '"
        + table.derivedName("journal")
        + "'); END IF; END $migrate$";
  }

  /**
   * PostgreSQL named the primary key {@code <table>_pkey} (or {@code <table>_pkey1} when that was
   * taken): a valid table name, so it moves to a derived name too.
   */
  private static String renamePrimaryKey(String relation, String newName) {
    return "DO $migrate$ DECLARE s oid := (SELECT oid FROM pg_namespace"
        + " WHERE nspname = current_schema()); pk name; BEGIN"
        + " SELECT k.conname INTO pk FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
        + " WHERE c.relnamespace = s AND c.relname = '"
        + relation
        + "' AND k.contype = 'p';"
        + " IF pk IS NOT NULL AND pk <> '"
        + newName
        + "' AND NOT EXISTS (SELECT 1 FROM pg_class WHERE relnamespace = s AND relname = '"
        + newName
        + "') THEN EXECUTE format('ALTER TABLE %I.%I RENAME CONSTRAINT %I TO %I',"
        + " current_schema(), '"
        + relation
        + "', pk, '"
        + newName
        + "'); END IF; END $migrate$";
  }

  /** The version this code brings a table to. */
  static int latest() {
    List<Migration> all = migrations(TableName.of("x"));
    return all.get(all.size() - 1).version();
  }

  private Schema() {}

  /** Creates or migrates the table to {@link #latest()}. */
  static void ensure(DataSource dataSource, TableName table) {
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
          lock.setLong(1, LOCK);
          lock.execute();
        }
        try (Statement s = c.createStatement()) {
          s.execute(
              "CREATE TABLE IF NOT EXISTS "
                  + VERSION_TABLE
                  + " (table_name text PRIMARY KEY, version integer NOT NULL,"
                  + " updated_at timestamptz NOT NULL DEFAULT now())");
        }
        int current = currentVersion(c, table);
        checkNotNewer(table, current);
        if (current < latest()) {
          // Before any statement: CREATE TABLE IF NOT EXISTS would take whatever holds the name.
          checkMemoryTable(c, table, Math.max(current, 1), current == 0);
        }
        int applied = current;
        for (Migration m : migrations(table)) {
          if (m.version() <= current) {
            continue;
          }
          if (m.version() > JOURNAL_NAMED) {
            // Later migrations alter the journal: refuse a wrong relation under its name first.
            checkJournal(c, table, m.version() - 1);
          }
          try (Statement s = c.createStatement()) {
            for (String statement : m.statements()) {
              s.execute(statement);
            }
          }
          applied = m.version();
        }
        checkShape(c, table);
        if (current >= 1 && current < ARCHIVE_MARKS && applied >= ARCHIVE_MARKS) {
          warnUnmarkedArchives(table);
        }
        if (applied != current) {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO "
                      + VERSION_TABLE
                      + " (table_name, version) VALUES (?, ?) ON CONFLICT (table_name)"
                      + " DO UPDATE SET version = EXCLUDED.version, updated_at = now()")) {
            ps.setString(1, table.name());
            ps.setInt(2, applied);
            ps.executeUpdate();
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new TieredMemoryException(
          "creating or migrating table '"
              + table.name()
              + "' failed: "
              + e.getMessage()
              + " (SQLState "
              + e.getSQLState()
              + ")",
          e);
    }
  }

  /** Checks the table exists at {@link #latest()}, creating nothing. */
  static void verify(DataSource dataSource, TableName table) {
    try (Connection c = dataSource.getConnection()) {
      int current = currentVersion(c, table);
      checkNotNewer(table, current);
      if (current < latest()) {
        throw new IllegalStateException(
            "table '"
                + table.name()
                + "' is at schema version "
                + current
                + ", this library needs "
                + latest()
                + " and createSchema is false: build once with createSchema(true), or apply the"
                + " migrations in docs/backends/postgres.md by hand");
      }
      checkShape(c, table);
    } catch (SQLException e) {
      throw new TieredMemoryException(
          "checking the schema of table '"
              + table.name()
              + "' failed: "
              + e.getMessage()
              + " (SQLState "
              + e.getSQLState()
              + ")",
          e);
    }
  }

  /** Checks the memory table and its journal are tables of the latest version's columns. */
  private static void checkShape(Connection c, TableName table) throws SQLException {
    checkMemoryTable(c, table, latest(), false);
    checkJournal(c, table, latest());
  }

  /** The migration that added archive marks. */
  private static final int ARCHIVE_MARKS = 4;

  private static final System.Logger LOG = System.getLogger(Schema.class.getName());

  /**
   * A table that existed before archive marks has none for the memories it archived: they are in
   * COLD, and read as absent (docs/backends/postgres.md, "Upgrading from version 3 or older").
   */
  private static void warnUnmarkedArchives(TableName table) {
    LOG.log(
        System.Logger.Level.WARNING,
        "table '"
            + table.name()
            + "' was upgraded to schema version "
            + ARCHIVE_MARKS
            + " (archive marks): memories it archived before have no mark and read as absent;"
            + " they are still in the COLD tier. See docs/backends/postgres.md, \"Upgrading from"
            + " version 3 or older\"");
  }

  /** The migration that gave the journal its derived name; later ones may alter it. */
  private static final int JOURNAL_NAMED = 3;

  /** Checks the journal is a table with exactly the columns of {@code version}. */
  private static void checkJournal(Connection c, TableName table, int version) throws SQLException {
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
  private static void checkMemoryTable(
      Connection c, TableName table, int version, boolean mayBeAbsent) throws SQLException {
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
                    + VERSION_TABLE
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

  private static int currentVersion(Connection c, TableName table) throws SQLException {
    try (PreparedStatement exists = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      exists.setString(1, VERSION_TABLE);
      try (ResultSet rs = exists.executeQuery()) {
        rs.next();
        if (!rs.getBoolean(1)) {
          return 0;
        }
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement("SELECT version FROM " + VERSION_TABLE + " WHERE table_name = ?")) {
      ps.setString(1, table.name());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    }
  }

  private static void checkNotNewer(TableName table, int current) {
    if (current > latest()) {
      throw new IllegalStateException(
          "table '"
              + table.name()
              + "' is at schema version "
              + current
              + ", newer than this library knows ("
              + latest()
              + "): upgrade tiered-memory-postgres");
    }
  }

  private static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
