package io.tieredmemory.postgres;

import io.tieredmemory.core.TieredMemoryException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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

  /** One step from the previous version; statements use {@code {t}} for the quoted table name. */
  record Migration(int version, String description, List<String> statements) {}

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
                    + table.derived("last_access_idx")
                    + " ON "
                    + t
                    + " (last_access, key)",
                "CREATE INDEX IF NOT EXISTS "
                    + table.derived("search_idx")
                    + " ON "
                    + t
                    + " USING gin (search)")),
        new Migration(
            2,
            "reconcile journal: keys whose copies an interrupted move may have left behind",
            List.of(
                "CREATE TABLE IF NOT EXISTS "
                    + table.derived("journal")
                    + " (key text COLLATE \"C\" PRIMARY KEY, version bigint NOT NULL)")),
        new Migration(
            3,
            "archive marks: an archived memory leaves a row (archived, no content); journal notes"
                + " name the tier they are about",
            List.of(
                "ALTER TABLE "
                    + t
                    + " ADD COLUMN IF NOT EXISTS archived boolean NOT NULL DEFAULT false",
                // Sweeps list held memories oldest first; marks would fill the front of a full
                // index (they are the idlest rows), so the index leaves them out.
                "CREATE INDEX "
                    + table.derived("held_access_idx")
                    + " ON "
                    + t
                    + " (last_access, key) WHERE NOT archived",
                "DROP INDEX " + table.derived("last_access_idx"),
                "ALTER TABLE "
                    + table.derived("journal")
                    + " ADD COLUMN IF NOT EXISTS tier smallint NOT NULL DEFAULT "
                    + Sql.COLD_NOTE,
                // The primary key's name is PostgreSQL's choice (truncated for long names): look it
                // up.
                "DO $tm$ DECLARE pk name; BEGIN SELECT conname INTO pk FROM pg_constraint"
                    + " WHERE conrelid = '"
                    + table.derived("journal")
                    + "'::regclass AND contype = 'p'; EXECUTE format('ALTER TABLE %s DROP"
                    + " CONSTRAINT %I', '"
                    + table.derived("journal")
                    + "', pk); END $tm$",
                "ALTER TABLE " + table.derived("journal") + " ADD PRIMARY KEY (tier, key)")));
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
        int applied = current;
        for (Migration m : migrations(table)) {
          if (m.version() <= current) {
            continue;
          }
          try (Statement s = c.createStatement()) {
            for (String statement : m.statements()) {
              s.execute(statement);
            }
          }
          applied = m.version();
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
    int current;
    try (Connection c = dataSource.getConnection()) {
      current = currentVersion(c, table);
    } catch (SQLException e) {
      throw new TieredMemoryException(
          "reading the schema version of table '"
              + table.name()
              + "' failed: "
              + e.getMessage()
              + " (SQLState "
              + e.getSQLState()
              + ")",
          e);
    }
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
