package io.tieredmemory.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Creating and migrating the table: idempotent, versioned, safe when instances start at once. */
class PostgresSchemaIT {
  private static HikariDataSource pool;
  private final List<String> tables = new ArrayList<>();
  private final List<PostgresTierStore> stores = new ArrayList<>();

  @BeforeAll
  static void openPool() {
    pool = Pg.pool("schema", 8);
  }

  @AfterAll
  static void closePool() {
    if (pool != null) {
      pool.close();
    }
  }

  @AfterEach
  void dropTables() {
    stores.forEach(PostgresTierStore::close);
    tables.forEach(t -> Pg.drop(pool, t));
  }

  private String table(String name) {
    tables.add(name);
    return name;
  }

  private PostgresTierStore build(String table) {
    PostgresTierStore s = PostgresTierStore.builder(pool).table(table).build();
    stores.add(s);
    return s;
  }

  private static long versionRows(String table) {
    return Pg.queryLong(
        pool, "SELECT count(*) FROM " + Schema.VERSION_TABLE + " WHERE table_name = ?", table);
  }

  private static long version(String table) {
    return Pg.queryLong(
        pool, "SELECT version FROM " + Schema.VERSION_TABLE + " WHERE table_name = ?", table);
  }

  private static List<String> indexes(String table) {
    List<String> names = new ArrayList<>();
    try (Connection c = pool.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
                    + " AND tablename = ? ORDER BY indexname")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("listing the indexes of " + table + " failed", e);
    }
    return names;
  }

  @Test
  void build_fourInstancesAtOnce_oneVersionRowAndIndexesPresent() throws Exception {
    String t = table(Pg.uniqueTable("tm_race"));
    int instances = 4;
    CyclicBarrier start = new CyclicBarrier(instances);
    ExecutorService threads = Executors.newFixedThreadPool(instances);
    try {
      List<Callable<PostgresTierStore>> tasks = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        tasks.add(
            () -> {
              start.await(10, TimeUnit.SECONDS);
              return PostgresTierStore.builder(pool).table(t).build();
            });
      }
      for (Future<PostgresTierStore> f : threads.invokeAll(tasks)) {
        stores.add(f.get());
      }
    } finally {
      threads.shutdownNow();
    }

    assertThat(versionRows(t)).isEqualTo(1);
    assertThat(version(t)).isEqualTo(Schema.latest());
    assertThat(indexes(t))
        .containsExactlyInAnyOrder(
            t + "$pkey", t + "$held_access_idx", t + "$search_idx", t + "$embedded_idx");
  }

  @Test
  void build_again_changesNothing() throws Exception {
    String t = table(Pg.uniqueTable("tm_again"));
    build(t);
    long updated =
        Pg.queryLong(
            pool,
            "SELECT extract(epoch FROM updated_at) * 1000000 FROM "
                + Schema.VERSION_TABLE
                + " WHERE table_name = ?",
            t);
    build(t);
    assertThat(versionRows(t)).isEqualTo(1);
    assertThat(indexes(t)).hasSize(4);
    assertThat(
            Pg.queryLong(
                pool,
                "SELECT extract(epoch FROM updated_at) * 1000000 FROM "
                    + Schema.VERSION_TABLE
                    + " WHERE table_name = ?",
                t))
        .as("no migration ran the second time")
        .isEqualTo(updated);
  }

  @Test
  void build_reservedWordAsTableName_works() {
    String t = table("select");
    Pg.drop(pool, t);
    PostgresTierStore s = build(t);
    s.upsert(
        new io.tieredmemory.core.Memory(
            "k", "c", java.util.Map.of(), java.time.Instant.EPOCH, java.time.Instant.EPOCH, 1),
        0);
    assertThat(s.count()).isEqualTo(1);
  }

  @Test
  void build_longNamesWithACommonPrefix_getDistinctIndexNames() throws Exception {
    String prefix = "tm_long_" + "x".repeat(46) + "_";
    String a = table(prefix + "aaaaaaaa");
    String b = table(prefix + "bbbbbbbb");
    assertThat(a).hasSize(63);
    build(a);
    build(b);
    assertThat(indexes(a)).hasSize(4).doesNotContainAnyElementsOf(indexes(b));
    assertThat(indexes(b)).hasSize(4);
  }

  @Test
  void build_withoutCreateSchema_missingTable_failsNamingTheTable() {
    String t = table(Pg.uniqueTable("tm_missing"));
    assertThatThrownBy(() -> PostgresTierStore.builder(pool).table(t).createSchema(false).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("table '" + t + "'")
        .hasMessageContaining("schema version 0");
    assertThat(indexes(t)).isEmpty();
  }

  @Test
  void build_withoutCreateSchema_currentTable_works() {
    String t = table(Pg.uniqueTable("tm_present"));
    build(t);
    PostgresTierStore s = PostgresTierStore.builder(pool).table(t).createSchema(false).build();
    stores.add(s);
    assertThat(s.count()).isZero();
    assertThat(indexes(t)).hasSize(4);
  }

  @Test
  void build_newerSchemaThanThisLibrary_isRefused() {
    String t = table(Pg.uniqueTable("tm_newer"));
    build(t);
    Pg.execute(
        pool, "UPDATE " + Schema.VERSION_TABLE + " SET version = 99 WHERE table_name = ?", t);
    assertThatThrownBy(() -> build(t))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("table '" + t + "'")
        .hasMessageContaining("schema version 99")
        .hasMessageContaining("upgrade");
  }
}
