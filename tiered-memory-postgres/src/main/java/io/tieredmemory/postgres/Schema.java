package io.tieredmemory.postgres;

import io.tieredmemory.core.TieredMemoryException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Bringing a table to the schema this code needs, or checking it is there: the version table and
 * the transaction the {@link Migrations} run in. Each store table has one row in {@value
 * #VERSION_TABLE} (in the same PostgreSQL schema) giving the last migration applied to it.
 * Migrations run in one transaction under a transaction-scoped advisory lock, so instances starting
 * at once apply each migration exactly once and never race on {@code CREATE ... IF NOT EXISTS}.
 * What the relations must look like is {@link TableShape}'s.
 */
final class Schema {
  /** The table holding one schema version row per store table. */
  static final String VERSION_TABLE = "tiered_memory_schema";

  /** The advisory lock serialising schema work in the database ("tmschema" in ASCII). */
  static final long LOCK = 0x746d736368656d61L;

  private static final System.Logger LOG = System.getLogger(Schema.class.getName());

  private Schema() {}

  /** The version this code brings a table to. */
  static int latest() {
    return Migrations.latest();
  }

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
          TableShape.checkMemoryTable(c, table, Math.max(current, 1), current == 0);
        }
        int applied = current;
        for (Migrations.Migration m : Migrations.all(table)) {
          if (m.version() <= current) {
            continue;
          }
          if (m.version() > Migrations.JOURNAL_NAMED) {
            // Later migrations alter the journal: refuse a wrong relation under its name first.
            TableShape.checkJournal(c, table, m.version() - 1);
          }
          if (m.version() == Migrations.HISTORY) {
            TableShape.checkHistoryIfPresent(c, table);
          }
          try (Statement s = c.createStatement()) {
            for (String statement : m.statements()) {
              s.execute(statement);
            }
          }
          applied = m.version();
        }
        TableShape.check(c, table);
        if (current >= 1
            && current < Migrations.ARCHIVE_MARKS
            && applied >= Migrations.ARCHIVE_MARKS) {
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
      TableShape.check(c, table);
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
            + Migrations.ARCHIVE_MARKS
            + " (archive marks): memories it archived before have no mark and read as absent;"
            + " they are still in the COLD tier. See docs/backends/postgres.md, \"Upgrading from"
            + " version 3 or older\"");
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
