package io.tieredmemory.postgres;

import io.tieredmemory.core.TieredMemoryException;
import io.tieredmemory.core.spi.Embedder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The embedder a table's embeddings belong to: one row in {@code <table>$embedder} (created by
 * migration {@value Migrations#EMBEDDINGS}), its {@link Embedder#id()} and {@link
 * Embedder#dimension()}, written the first time a store on the table is built with an embedder.
 * Every later build with an embedder must bring the same one while the table holds embeddings:
 * vectors of two embedders are not comparable, so a search would rank writers' embeddings against a
 * query of another space. A table that holds none takes the new embedder.
 */
final class EmbedderRecord {
  private EmbedderRecord() {}

  /**
   * Records {@code embedder} for the table if none is recorded, else checks it is the recorded one.
   * Two statements in auto-commit: the insert does nothing when a row exists (also one committed
   * meanwhile by another instance), and the select then sees whichever row won.
   *
   * @throws IllegalStateException if the table records another id or dimension
   * @throws TieredMemoryException if the database cannot be reached
   */
  static void check(DataSource dataSource, TableName table, Embedder embedder) {
    String record = table.derived("embedder");
    String id = embedder.id();
    int dimension = embedder.dimension();
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO " + record + " (id, dimension) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
        insert.setString(1, id);
        insert.setInt(2, dimension);
        insert.executeUpdate();
      }
      if (!c.getAutoCommit()) {
        c.commit();
      }
      String storedId;
      int storedDimension;
      try (PreparedStatement select = c.prepareStatement("SELECT id, dimension FROM " + record);
          ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException(
              "table '" + table.name() + "': its embedder record " + record + " holds no row");
        }
        storedId = rs.getString(1);
        storedDimension = rs.getInt(2);
      }
      if (!c.getAutoCommit()) {
        c.commit();
      }
      if ((!storedId.equals(id) || storedDimension != dimension)
          && !adopt(c, table, storedId, storedDimension, embedder)) {
        throw new IllegalStateException(mismatch(table, storedId, storedDimension, id, dimension));
      }
    } catch (SQLException e) {
      throw new TieredMemoryException(
          "recording the embedder of table '"
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
   * A table that holds no embedding depends on no embedder (memories without one are embedded at
   * query time), so it takes the new one: how a store changes model once its archive was moved
   * ({@code Reembedding}). The record changes only if it still names the old embedder and, in the
   * same statement, no row holds an embedding.
   */
  private static boolean adopt(
      Connection c, TableName table, String storedId, int storedDimension, Embedder embedder)
      throws SQLException {
    String record = table.derived("embedder");
    try (PreparedStatement update =
        c.prepareStatement(
            "UPDATE "
                + record
                + " SET id = ?, dimension = ?, recorded_at = now() WHERE id = ? AND dimension = ?"
                + " AND NOT EXISTS (SELECT 1 FROM "
                + table.sql()
                + " WHERE embedding IS NOT NULL)")) {
      update.setString(1, embedder.id());
      update.setInt(2, embedder.dimension());
      update.setString(3, storedId);
      update.setInt(4, storedDimension);
      int changed = update.executeUpdate();
      if (!c.getAutoCommit()) {
        c.commit();
      }
      return changed == 1;
    }
  }

  static String mismatch(
      TableName table, String storedId, int storedDimension, String id, int dimension) {
    String t = table.sql();
    return "table '"
        + table.name()
        + "' holds embeddings of embedder '"
        + storedId
        + "' (dimension "
        + storedDimension
        + ", recorded in "
        + table.derived("embedder")
        + "), but this store was built with embedder '"
        + id
        + "' (dimension "
        + dimension
        + "): vectors of different embedders cannot be compared. Build the store with the"
        + " recorded embedder, or use another table, or re-embed: clear the stored embeddings"
        + " (UPDATE "
        + t
        + " SET embedding = NULL), delete the record (DELETE FROM "
        + table.derived("embedder")
        + "), build with the new embedder, and put the memories again with embeddings of the"
        + " new embedder";
  }
}
