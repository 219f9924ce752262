package io.tieredmemory.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.testservers.RealServers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/** The real PostgreSQL of the ITs: pools, unique tables, and direct SQL for assertions. */
final class Pg {
  private static final AtomicInteger TABLES = new AtomicInteger();

  private Pg() {}

  /** A HikariCP pool on {@code TM_PG_JDBC_URL}; fails (never skips) when the server is missing. */
  static HikariDataSource pool(String name, int size) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    config.setJdbcUrl(RealServers.postgresJdbcUrl());
    config.setUsername(RealServers.postgresUser());
    config.setPassword(RealServers.postgresPassword());
    config.setMaximumPoolSize(size);
    config.setConnectionTimeout(10_000);
    return new HikariDataSource(config);
  }

  /** A table name no other test uses. */
  static String uniqueTable(String prefix) {
    return prefix
        + "_"
        + Long.toHexString(System.nanoTime() & 0xffffffffL)
        + "_"
        + TABLES.incrementAndGet();
  }

  /** Drops a test table, its journal, its embedder record and its schema version row. */
  static void drop(DataSource ds, String table) {
    TableName name = TableName.of(table);
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + name.sql());
      s.execute("DROP TABLE IF EXISTS " + name.derived("journal"));
      s.execute("DROP TABLE IF EXISTS " + name.derived("embedder"));
      s.execute("DROP TABLE IF EXISTS " + name.derived("history"));
      s.execute("DROP TABLE IF EXISTS " + name.derived("events"));
      s.execute("DROP TABLE IF EXISTS " + name.derived("events_salt"));
      try (PreparedStatement ps =
          c.prepareStatement("DELETE FROM " + Schema.VERSION_TABLE + " WHERE table_name = ?")) {
        ps.setString(1, table);
        ps.executeUpdate();
      } catch (SQLException e) {
        // No version table yet: nothing to delete.
      }
    } catch (SQLException e) {
      throw new IllegalStateException("dropping test table " + table + " failed", e);
    }
  }

  /** The first column of the first row of {@code sql}, as a long. */
  static long queryLong(DataSource ds, String sql, Object... args) {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("no row from " + sql);
        }
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql + " failed", e);
    }
  }

  /** Runs one statement. */
  static void execute(DataSource ds, String sql, Object... args) {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.execute();
    } catch (SQLException e) {
      throw new IllegalStateException(sql + " failed", e);
    }
  }
}
