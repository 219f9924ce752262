package io.tieredmemory.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.StoredMemory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Schema version 8 ({@link Migrations#HOT_ACCESS}): an access-statistics flush changes no indexed
 * column (the sweep index's {@code last_access} moves only by a minute or more, the exact access
 * goes to {@code recent_access}), so PostgreSQL makes it a HOT update, on a new table and on a
 * version 6 table migrated in place; and the sweep's candidates stay exact, cut-off and order,
 * while the index lags.
 */
class PostgresHotUpdatesIT {
  private static final long T0 = 1_800_000_000_000L;
  private static final int KEYS = 300;
  private static final int WARMUP = 10;
  private static final int ROUNDS = 10;

  /** One connection: every statement of a test runs in one backend, whose statistics we force. */
  private static HikariDataSource pool;

  private final List<String> tables = new ArrayList<>();

  @BeforeAll
  static void openPool() {
    pool = Pg.pool("hot-updates", 1);
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

  private static Memory memory(String key, long version) {
    return new Memory(
        key,
        "content of memory " + key + ", a sentence of ordinary length for an agent to recall",
        Map.of("source", "test"),
        Instant.EPOCH,
        Instant.EPOCH,
        version);
  }

  /** {n_tup_upd, n_tup_hot_upd} of the table, once this backend's counts have been reported. */
  private static long[] updates(String table) throws SQLException, InterruptedException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      // The single pooled backend ran the flushes: its pending counts go out at its next idle.
      s.execute("SELECT pg_stat_force_next_flush()");
      long[] last = {-1, -1};
      for (int attempt = 0; attempt < 50; attempt++) {
        s.execute("SELECT pg_stat_clear_snapshot()");
        try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables"
                    + " WHERE relid = to_regclass(?)")) {
          ps.setString(1, TableName.of(table).sql());
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              long[] now = {rs.getLong(1), rs.getLong(2)};
              if (now[0] == last[0] && now[0] > 0) {
                return now;
              }
              last = now;
            }
          }
        }
        Thread.sleep(100);
      }
      return last;
    }
  }

  /**
   * Rounds of: every key read once (one second later each round), then one flush. Every row of a
   * page is updated in one statement, so all its new versions must fit on the page at once: in the
   * first rounds some rows move to other pages, until every page has room for its rows' updates
   * (the steady state the measured rounds see).
   */
  private static void readAndFlush(
      PostgresTierStore store, List<String> keys, long start, int from, int to) {
    for (int round = from; round <= to; round++) {
      for (String k : keys) {
        assertThat(store.read(k, start + round * 1_000L)).isNotNull();
      }
      store.flush();
    }
  }

  private static List<String> keys() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      keys.add("memory:" + i);
    }
    return keys;
  }

  @Test
  void flushes_onANewTable_areHotUpdates() throws Exception {
    String t = table("tm_hot");
    try (PostgresTierStore store = PostgresTierStore.builder(pool).table(t).build()) {
      for (String k : keys()) {
        store.upsert(memory(k, 1), T0);
      }
      readAndFlush(store, keys(), T0, 1, WARMUP);
      long[] before = updates(t);
      readAndFlush(store, keys(), T0, WARMUP + 1, WARMUP + ROUNDS);
      long[] after = updates(t);
      long updated = after[0] - before[0];
      long hot = after[1] - before[1];
      assertThat(updated).as("flushed row updates").isEqualTo((long) KEYS * ROUNDS);
      assertThat(hot).as("HOT updates of %s", updated).isGreaterThanOrEqualTo(updated * 9 / 10);
      // The indexed value stayed at the put; the exact one is the last read.
      assertThat(Pg.queryLong(pool, "SELECT max(last_access) FROM " + t)).isEqualTo(T0);
      assertThat(store.peek("memory:7").lastAccessMillis())
          .isEqualTo(T0 + (WARMUP + ROUNDS) * 1_000L);
      assertThat(store.peek("memory:7").accessCount()).isEqualTo(WARMUP + ROUNDS);
    }
    assertThat(
            Pg.queryLong(pool, "SELECT version FROM tiered_memory_schema WHERE table_name = ?", t))
        .isEqualTo((long) Schema.latest());
  }

  @Test
  void aVersion6Table_isMigratedInPlace_andItsFlushesBecomeHotUpdates() throws Exception {
    String t = table("tm_hot6");
    PostgresTierStore.builder(pool).table(t).build().close();
    // As the previous release left it: no recent_access, the default fill factor, version 6,
    // rows written with every page full.
    Pg.execute(pool, "ALTER TABLE " + t + " DROP COLUMN recent_access");
    Pg.execute(pool, "ALTER TABLE " + t + " RESET (fillfactor)");
    Pg.execute(pool, "UPDATE tiered_memory_schema SET version = 6 WHERE table_name = ?", t);
    Pg.execute(
        pool,
        "INSERT INTO "
            + t
            + " (key, content, metadata, created_ns, updated_ns, version, access_count,"
            + " last_access, size) SELECT 'memory:' || g, 'content of memory ' || g || ', a"
            + " sentence of ordinary length for an agent to recall', '{}', 0, 0, 1, 3, ?, 80"
            + " FROM generate_series(0, ?) AS g",
        T0,
        KEYS - 1);

    try (PostgresTierStore store = PostgresTierStore.builder(pool).table(t).build()) {
      assertThat(
              Pg.queryLong(
                  pool, "SELECT version FROM tiered_memory_schema WHERE table_name = ?", t))
          .isEqualTo((long) Schema.latest());
      assertThat(
              Pg.queryLong(
                  pool,
                  "SELECT count(*) FROM pg_class WHERE oid = to_regclass(?)"
                      + " AND ? = ANY (reloptions)",
                  TableName.of(t).sql(),
                  "fillfactor=" + Migrations.FILLFACTOR))
          .isEqualTo(1);
      assertThat(store.peek("memory:5").accessCount()).isEqualTo(3);
      assertThat(store.peek("memory:5").lastAccessMillis()).isEqualTo(T0);
      readAndFlush(store, keys(), T0, 1, WARMUP);
      long[] before = updates(t);
      readAndFlush(store, keys(), T0, WARMUP + 1, WARMUP + ROUNDS);
      long[] after = updates(t);
      long updated = after[0] - before[0];
      long hot = after[1] - before[1];
      assertThat(updated).as("flushed row updates").isEqualTo((long) KEYS * ROUNDS);
      // The first flushes find the old pages full (rows move); from then on they are HOT.
      assertThat(hot).as("HOT updates of %s", updated).isGreaterThanOrEqualTo(updated * 9 / 10);
      assertThat(store.peek("memory:5").accessCount()).isEqualTo(3 + WARMUP + ROUNDS);
      assertThat(store.peek("memory:5").lastAccessMillis())
          .isEqualTo(T0 + (WARMUP + ROUNDS) * 1_000L);
    }
    // Idempotent: building again changes nothing.
    PostgresTierStore.builder(pool).table(t).build().close();
    assertThat(
            Pg.queryLong(pool, "SELECT version FROM tiered_memory_schema WHERE table_name = ?", t))
        .isEqualTo((long) Schema.latest());
  }

  @Test
  void theIndexMoves_onlyOnceTheAccessIsAMinuteAhead_andIdleCutoffsStayExact() {
    String t = table("tm_hotidle");
    try (PostgresTierStore store = PostgresTierStore.builder(pool).table(t).build()) {
      store.upsert(memory("a", 1), T0);
      store.upsert(memory("b", 1), T0 + 10_000);
      store.read("a", T0 + 30_000);
      store.flush();
      assertThat(Pg.queryLong(pool, "SELECT last_access FROM " + t + " WHERE key = 'a'"))
          .isEqualTo(T0);
      assertThat(Pg.queryLong(pool, "SELECT recent_access FROM " + t + " WHERE key = 'a'"))
          .isEqualTo(T0 + 30_000);

      // The index says a (T0) before b (T0 + 10 s); the exact accesses say b, then a.
      assertThat(keys(store.oldestAccessed(Long.MAX_VALUE, 10))).containsExactly("b", "a");
      assertThat(keys(store.oldestAccessed(Long.MAX_VALUE, 1))).containsExactly("b");
      assertThat(keys(store.oldestAccessed(T0 + 30_000, 10))).containsExactly("b");
      assertThat(keys(store.oldestAccessed(T0 + 30_001, 10))).containsExactly("b", "a");
      assertThat(keys(store.oldestAccessed(T0 + 10_000, 10))).isEmpty();

      // A minute past the indexed value: the index entry moves, recent_access is cleared.
      store.read("a", T0 + 60_000);
      store.flush();
      assertThat(Pg.queryLong(pool, "SELECT last_access FROM " + t + " WHERE key = 'a'"))
          .isEqualTo(T0 + 60_000);
      assertThat(
              Pg.queryLong(
                  pool, "SELECT count(*) FROM " + t + " WHERE key = 'a' AND recent_access IS NULL"))
          .isEqualTo(1);

      // touch follows the same rule, and a put writes the exact value to the index.
      assertThat(store.touch("b", T0 + 20_000)).isTrue();
      assertThat(Pg.queryLong(pool, "SELECT last_access FROM " + t + " WHERE key = 'b'"))
          .isEqualTo(T0 + 10_000);
      assertThat(store.peek("b").lastAccessMillis()).isEqualTo(T0 + 20_000);
      store.upsert(memory("b", 5), T0 + 1_000);
      assertThat(Pg.queryLong(pool, "SELECT last_access FROM " + t + " WHERE key = 'b'"))
          .isEqualTo(T0 + 20_000);
      assertThat(store.peek("b").lastAccessMillis()).isEqualTo(T0 + 20_000);
    }
  }

  /**
   * Rows whose index order is the reverse of their exact order, and random ones: oldestAccessed is
   * exactly the brute-force answer for every cut-off and limit tried.
   */
  @Test
  void oldestAccessed_isExact_againstBruteForce_whileTheIndexLags() {
    String t = table("tm_hotexact");
    Random random = new Random(16);
    try (PostgresTierStore store = PostgresTierStore.builder(pool).table(t).build()) {
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        String k = String.format("k%03d", i);
        keys.add(k);
        // Index values 100 ms apart; exact accesses up to 59.9 s later, in any order.
        store.upsert(memory(k, 1), T0 + i * 100L);
        if (random.nextInt(4) > 0) {
          store.read(k, T0 + i * 100L + random.nextInt(59_900));
        }
      }
      store.flush();
      assertThat(
              Pg.queryLong(pool, "SELECT count(*) FROM " + t + " WHERE recent_access IS NOT NULL"))
          .isGreaterThan(250);
      Map<String, Long> exact =
          store.peekAll(keys).values().stream()
              .collect(Collectors.toMap(StoredMemory::key, StoredMemory::lastAccessMillis));
      Comparator<String> order =
          Comparator.<String>comparingLong(exact::get).thenComparing(Comparator.naturalOrder());
      for (long cut :
          new long[] {T0 + 5_000, T0 + 30_000, T0 + 61_000, T0 + 99_000, Long.MAX_VALUE}) {
        for (int limit : new int[] {1, 7, 50, 399, 1000}) {
          List<String> expected =
              keys.stream()
                  .filter(k -> exact.get(k) < cut)
                  .sorted(order)
                  .limit(limit)
                  .collect(Collectors.toList());
          List<StoredMemory> got = store.oldestAccessed(cut, limit);
          assertThat(keys(got)).as("cut %d, limit %d", cut, limit).isEqualTo(expected);
          got.forEach(s -> assertThat(s.lastAccessMillis()).isEqualTo(exact.get(s.key())));
        }
      }
    }
  }

  private static List<String> keys(List<StoredMemory> stored) {
    return stored.stream().map(StoredMemory::key).collect(Collectors.toList());
  }
}
