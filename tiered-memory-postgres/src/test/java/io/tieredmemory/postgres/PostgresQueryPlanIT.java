package io.tieredmemory.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.core.spi.StoredMemory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sweeps, reads and searches use their indexes on a table of 100,000 rows, never a full scan. */
class PostgresQueryPlanIT {
  private static final int ROWS = 100_000;
  private static final long BASE = 1_000_000L;

  private static HikariDataSource pool;
  private static String table;
  private static PostgresTierStore store;

  @BeforeAll
  static void fillTable() {
    pool = Pg.pool("plan", 2);
    table = Pg.uniqueTable("tm_plan");
    store = PostgresTierStore.builder(pool).table(table).build();
    Pg.execute(
        pool,
        "INSERT INTO "
            + table
            + " (key, content, metadata, created_ns, updated_ns, version, access_count,"
            + " last_access, size)"
            + " SELECT 'k' || lpad(g::text, 6, '0'), 'memory number ' || g, '{}', 0, 0, 1, 0,"
            + " ? + g, 20 FROM generate_series(1, ?) AS g",
        BASE,
        ROWS);
    // VACUUM also moves the GIN index's pending list (fast inserts) into the index proper, as
    // autovacuum does in production; before that PostgreSQL rightly prefers scanning the table.
    Pg.execute(pool, "VACUUM ANALYZE " + table);
  }

  @AfterAll
  static void dropTable() {
    if (store != null) {
      store.close();
    }
    if (pool != null) {
      Pg.drop(pool, table);
      pool.close();
    }
  }

  private static String plan(long accessedBefore, int limit) throws SQLException {
    return explain(
        new Sql(TableName.of(table)).oldestAccessed,
        accessedBefore,
        accessedBefore,
        limit,
        accessedBefore,
        limit);
  }

  private static String explain(String sql, Object... args) throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
      }
    }
    return plan.toString();
  }

  @Test
  void oldestAccessed_idleCutoff_usesTheIndex() throws SQLException {
    String plan = plan(BASE + 11, 100);
    assertThat(plan).contains("Index Scan using " + TableName.of(table).derived("held_access_idx"));
    assertThat(plan).doesNotContain("Seq Scan");
  }

  @Test
  void oldestAccessed_leastRecentlyUsedOverall_usesTheIndex() throws SQLException {
    String plan = plan(Long.MAX_VALUE, 100);
    String index = "Index Scan using " + TableName.of(table).derived("held_access_idx");
    // Two range scans of the index (the first `limit` rows, then the rows a minute after them at
    // most); the only sort is of those candidates by their exact last access.
    assertThat(plan.split(java.util.regex.Pattern.quote(index), -1)).hasSize(3);
    assertThat(plan).doesNotContain("Seq Scan").contains("Sort Key: s.accessed");
  }

  @Test
  void oldestAccessed_readsTheRowsItReturns_notTheTable() throws SQLException {
    // EXPLAIN ANALYZE: how many rows each scan of the index actually returned, on 100,000 rows.
    String sql = new Sql(TableName.of(table)).oldestAccessed;
    for (long cutoff : new long[] {BASE + 11, BASE + 50_000, Long.MAX_VALUE}) {
      String plan = explain("ANALYZE " + sql, cutoff, cutoff, 100, cutoff, 100);
      java.util.regex.Matcher scans =
          java.util.regex.Pattern.compile("Index Scan using .*?actual time=\\S+ rows=(\\d+)")
              .matcher(plan);
      int found = 0;
      while (scans.find()) {
        found++;
        assertThat(Long.parseLong(scans.group(1))).as(plan).isLessThanOrEqualTo(100);
      }
      assertThat(found).as(plan).isEqualTo(2);
    }
  }

  @Test
  void read_withAStringParameter_usesThePrimaryKey() throws SQLException {
    // setString binds varchar; the key column is text COLLATE "C": the index must still apply.
    assertThat(explain(new Sql(TableName.of(table)).read, "k000042"))
        .contains("Index Scan using " + TableName.of(table).derived("pkey"));
  }

  @Test
  void search_usesTheFullTextIndex_andTheIndexOfEmbeddedRows() throws SQLException {
    int bytes = 256 * Float.BYTES;
    // No row has an embedding: the embedding scan reads the empty partial index, not the table.
    assertThat(explain(new Sql(TableName.of(table)).search, bytes, "memory number 42", bytes, 40))
        .contains("Bitmap Index Scan on " + TableName.of(table).derived("search_idx"))
        .contains(TableName.of(table).derived("embedded_idx"))
        .doesNotContain("Seq Scan");
  }

  @Test
  void oldestAccessed_onTheLargeTable_returnsTheOldestInOrder() {
    List<StoredMemory> idle = store.oldestAccessed(BASE + 11, 100);
    assertThat(idle).hasSize(10);
    assertThat(idle.get(0).key()).isEqualTo("k000001");
    assertThat(idle.get(9).lastAccessMillis()).isEqualTo(BASE + 10);

    assertThat(store.oldestAccessed(Long.MAX_VALUE, 3))
        .extracting(StoredMemory::key)
        .containsExactly("k000001", "k000002", "k000003");
  }
}
