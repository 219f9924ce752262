package io.tieredmemory.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.core.HistoryEntry;
import io.tieredmemory.core.MemoryHistory;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.testkit.ManualClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The history table on a real PostgreSQL: its migration, its shape check, and its pruning. */
class PostgresHistoryIT {
  private static HikariDataSource pool;
  private final List<String> tables = new ArrayList<>();

  @BeforeAll
  static void openPool() {
    pool = Pg.pool("history", 6);
  }

  @AfterAll
  static void closePool() {
    if (pool != null) {
      pool.close();
    }
  }

  @AfterEach
  void dropTables() {
    tables.forEach(t -> Pg.drop(pool, t));
  }

  private String table(String prefix) {
    String t = Pg.uniqueTable(prefix);
    tables.add(t);
    return t;
  }

  private static List<String> indexesOf(String relation) {
    List<String> names = new ArrayList<>();
    try (Connection c = pool.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                    + " AND tablename = ? ORDER BY indexname")) {
      ps.setString(1, relation);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return names;
  }

  private static long rows(String table) {
    return Pg.queryLong(pool, "SELECT count(*) FROM " + TableName.of(table).derived("history"));
  }

  @Test
  void build_createsTheHistoryTable_indexedByKeyAndIdAndByTime_atVersion6() {
    String t = table("tm_hist");
    PostgresTierStore.builder(pool).table(t).build().close();
    assertThat(Migrations.HISTORY).isEqualTo(6);
    assertThat(
            Pg.queryLong(
                pool, "SELECT version FROM " + Schema.VERSION_TABLE + " WHERE table_name = ?", t))
        .isEqualTo(Schema.latest());
    assertThat(indexesOf(t + "$history"))
        .hasSize(3)
        .anySatisfy(d -> assertThat(d).contains(t + "$history_pkey").contains("(id)"))
        .anySatisfy(d -> assertThat(d).contains(t + "$history_key_idx").contains("(key, id)"))
        .anySatisfy(d -> assertThat(d).contains(t + "$history_at_idx").contains("(at)"));
  }

  @Test
  void aTableAtVersion5_isMigrated_keepingItsMemories() {
    String t = table("tm_hist5");
    try (PostgresTierStore s = PostgresTierStore.builder(pool).table(t).build()) {
      s.upsert(
          new io.tieredmemory.core.Memory(
              "k", "v", java.util.Map.of(), Instant.EPOCH, Instant.EPOCH, 1),
          0);
    }
    // As a table left by the previous release: no history table, version 5.
    Pg.execute(pool, "DROP TABLE " + TableName.of(t).derived("history"));
    Pg.execute(pool, "UPDATE " + Schema.VERSION_TABLE + " SET version = 5 WHERE table_name = ?", t);
    try (PostgresTierStore s = PostgresTierStore.builder(pool).table(t).build()) {
      assertThat(s.peek("k")).isNotNull();
      assertThat(s.history()).isPresent();
      assertThat(s.history().orElseThrow().read("k", 10)).isEmpty();
    }
    assertThat(rows(t)).isZero();
    assertThat(
            Pg.queryLong(
                pool, "SELECT version FROM " + Schema.VERSION_TABLE + " WHERE table_name = ?", t))
        .isEqualTo(Schema.latest());
  }

  @Test
  void aRelationOfAnotherShapeUnderTheHistorysName_isRefused_namingIt() {
    String t = table("tm_histbad");
    Pg.execute(pool, "CREATE TABLE " + TableName.of(t).derived("history") + " (x int)");
    assertThatThrownBy(() -> PostgresTierStore.builder(pool).table(t).build())
        .hasMessageContaining("history '" + t + "$history' of table '" + t + "'")
        .hasMessageContaining("expected a table with exactly the columns");
  }

  @Test
  void theStoresHistory_isKeptInTheTable_trimmedPerKeyAndPrunedByAge_bySweeps() {
    String t = table("tm_histstore");
    ManualClock clock = new ManualClock(Instant.parse("2026-05-01T00:00:00Z"));
    TieredMemory.Builder b =
        TieredMemory.builder("pg-history")
            .clock(clock)
            .policy(TieringPolicy.custom().demoteWhenIdle(Duration.ofDays(1)).build())
            .disableScheduledSweeps()
            .discoverObservers(false)
            .history(true)
            .historyPerKey(2)
            .historyRetention(Duration.ofHours(1))
            .instanceId("pg-1");
    try (TieredMemory store = b.warm(PostgresTierStore.builder(pool).table(t).build()).build()) {
      for (int i = 0; i < 4; i++) {
        store.put("trimmed", "v" + i);
      }
      store.put("aged", "old");
      store.history("aged"); // written
      assertThat(rows(t)).isEqualTo(5);
      clock.advance(Duration.ofMinutes(30));
      store.sweep();
      assertThat(rows(t)).isEqualTo(3); // "trimmed" cut to its newest 2
      clock.advance(Duration.ofMinutes(40));
      store.put("fresh", "new");
      store.history("fresh");
      store.sweep();
      assertThat(rows(t)).isEqualTo(1); // older than 1h: gone
      MemoryHistory fresh = store.history("fresh");
      assertThat(fresh.tier()).isEqualTo(Tier.HOT);
      assertThat(fresh.entries())
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.kind()).isEqualTo(HistoryEntry.Kind.PUT);
                assertThat(e.instance()).isEqualTo("pg-1");
                assertThat(e.at()).isEqualTo(clock.instant());
                assertThat(e.version()).isEqualTo(fresh.version());
              });
    }
  }
}
