package io.tieredmemory.postgres;

import io.tieredmemory.core.TieredMemoryException;
import io.tieredmemory.core.spi.StoredMemory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * One table's connection plumbing, shared by the store and its directory, journal and search views:
 * runs a statement on a pooled connection, commits when the pool does not auto-commit, and turns an
 * {@link SQLException} into a {@link TieredMemoryException} naming the table, the operation and the
 * SQLState.
 */
final class Jdbc {
  final DataSource dataSource;
  final TableName table;
  final Sql sql;

  @FunctionalInterface
  interface SqlCall<T> {
    T run(Connection c) throws SQLException;
  }

  Jdbc(DataSource dataSource, TableName table) {
    this.dataSource = dataSource;
    this.table = table;
    this.sql = new Sql(table);
  }

  /** A body that returns null when it finds nothing. */
  @FunctionalInterface
  interface SqlFind<T> {
    @Nullable T run(Connection c) throws SQLException;
  }

  /** What {@link #inTransaction} runs, on the connection it was given. */
  @FunctionalInterface
  interface Body<T> {
    T run() throws SQLException;
  }

  /**
   * Runs {@code body} in a transaction on {@code c} (within {@link #call}): statements that need
   * one (a streamed read, a {@code SET LOCAL}) get it. A connection that auto-commits gets it back
   * on return, which commits (one round trip; {@code commit()} first would add nothing but a second
   * call), or after a rollback if {@code body} threw; one that does not is committed by {@link
   * #call}.
   */
  static <T> T inTransaction(Connection c, Body<T> body) throws SQLException {
    if (!c.getAutoCommit()) {
      return body.run();
    }
    c.setAutoCommit(false);
    boolean done = false;
    try {
      T result = body.run();
      done = true;
      return result;
    } finally {
      if (!done) {
        try {
          c.rollback();
        } catch (SQLException e) {
          // The body's exception is the one to report; the connection goes back to the pool,
          // whose reset (or close) ends the transaction.
        }
      }
      c.setAutoCommit(true);
    }
  }

  /** Like {@link #call}, for a body that may find nothing: null then. */
  <T> @Nullable T find(String operation, SqlFind<T> body) {
    return call(operation, c -> Optional.ofNullable(body.run(c))).orElse(null);
  }

  /** Runs {@code body} on a pooled connection, committing when the pool does not auto-commit. */
  <T> T call(String operation, SqlCall<T> body) {
    try (Connection c = dataSource.getConnection()) {
      T result = body.run(c);
      if (!c.getAutoCommit()) {
        c.commit();
      }
      return result;
    } catch (SQLException e) {
      throw failure(operation, e);
    }
  }

  /**
   * Runs a batch statement taking a key array and a version array (its first two parameters);
   * returns the keys of the rows it returns.
   */
  List<String> keyVersionBatch(String operation, String statement, Map<String, Long> versions) {
    if (versions.isEmpty()) {
      return List.of();
    }
    KeyVersions kv = KeyVersions.of(versions);
    return call(
        operation,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(statement)) {
            ps.setArray(1, c.createArrayOf("text", kv.keys()));
            ps.setArray(2, c.createArrayOf("bigint", kv.versions()));
            return keys(ps);
          }
        });
  }

  /** A key-to-version map as the two parallel arrays batch statements take. */
  record KeyVersions(String[] keys, Long[] versions) {
    static KeyVersions of(Map<String, Long> map) {
      String[] keys = new String[map.size()];
      Long[] versions = new Long[map.size()];
      int i = 0;
      for (Map.Entry<String, Long> e : map.entrySet()) {
        keys[i] = e.getKey();
        versions[i++] = e.getValue();
      }
      return new KeyVersions(keys, versions);
    }
  }

  /** Every row {@code ps} returns, as stored memories ({@code Rows.COLUMNS}). */
  static List<StoredMemory> list(PreparedStatement ps) throws SQLException {
    List<StoredMemory> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(Rows.stored(rs));
      }
    }
    return out;
  }

  /** The first column of every row {@code ps} returns, as keys. */
  static List<String> keys(PreparedStatement ps) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  TieredMemoryException failure(String operation, SQLException e) {
    return new TieredMemoryException(
        "postgres tier (table '"
            + table.name()
            + "'): "
            + operation
            + " failed: "
            + e.getMessage()
            + " (SQLState "
            + e.getSQLState()
            + ")",
        e);
  }
}
