package io.tieredmemory.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.postgres.PostgresTierStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * What the access-statistics flush of the PostgreSQL WARM tier writes (issue 16): rounds of 1,000
 * WARM reads through a {@code TieredMemory} (HOT empty, nothing promoted), each followed by one
 * flush, on the real PostgreSQL of {@code TM_PG_JDBC_URL}. Per round it reads {@code
 * pg_stat_user_tables} ({@code n_tup_upd}, {@code n_tup_hot_upd}) and {@code
 * pg_current_wal_insert_lsn()} before and after, and prints the share of HOT updates and the WAL
 * bytes per 1,000 reads (median and minimum over the measured rounds; the LSN is the whole
 * server's, so other sessions' writes can only add to a round, never take away: the minimum is the
 * least disturbed round).
 *
 * <p>A main() harness rather than a JMH benchmark: the figures are counts the server keeps, not
 * times. Run it with the servers' variables set:
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar io.tieredmemory.benchmarks.AccessFlushWal [rounds]
 * }</pre>
 *
 * <p>The table has 1,024 memories of an ordinary sentence each, read round robin (as {@link
 * WarmBenchmark} does), so every round updates almost every row: the worst case for HOT updates,
 * since all new row versions of a page must fit on that page at once. The first 10 rounds are
 * warm-up (the table settles to its steady state), the next {@code rounds} (default 30) measured.
 * One pooled connection runs the reads and the flushes, so forcing that backend's statistics out
 * ({@code pg_stat_force_next_flush()}) makes the counts exact.
 */
public final class AccessFlushWal {
  static final int KEYS = 1024;
  static final int READS = 1000;
  static final int WARMUP = 10;

  private AccessFlushWal() {}

  /**
   * Runs the rounds and prints the figures.
   *
   * @param args optional: the number of measured rounds
   * @throws Exception if PostgreSQL fails
   */
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    String table = "bench_flush_" + ProcessHandle.current().pid();
    try (HikariDataSource pool = Servers.postgres("bench-flush", 1)) {
      try {
        run(pool, table, rounds);
      } finally {
        drop(pool, table);
      }
    }
  }

  private static void run(HikariDataSource pool, String table, int rounds) throws SQLException {
    TierStore warm =
        PostgresTierStore.builder(pool)
            .table(table)
            .accessFlushInterval(Duration.ofHours(1))
            .build();
    String[] keys = new String[KEYS];
    try (TieredMemory store =
        TieredMemory.builder("bench-flush")
            .warm(warm)
            .policy(TieringPolicy.custom().promoteAfter(2, Duration.ofMillis(1)).build())
            .disableScheduledSweeps()
            .discoverObservers(false)
            .build()) {
      Instant now = Instant.now();
      long version = now.toEpochMilli() * 1000;
      for (int i = 0; i < KEYS; i++) {
        keys[i] = "memory:" + i;
        String content = "content of memory " + i + ", a sentence of ordinary length for an agent";
        warm.upsert(new Memory(keys[i], content, Map.of(), now, now, version), now.toEpochMilli());
      }
      String fillfactor =
          query(
              pool,
              "SELECT coalesce(array_to_string(reloptions, ','), '')"
                  + " FROM pg_class WHERE oid = '"
                  + table
                  + "'::regclass");
      long[] wal = new long[rounds];
      long updates = 0;
      long hot = 0;
      int next = 0;
      for (int round = 0; round < WARMUP + rounds; round++) {
        long[] before = stats(pool, table);
        for (int r = 0; r < READS; r++) {
          next = (next + 1) % KEYS;
          if (store.get(keys[next]).isEmpty()) {
            throw new IllegalStateException("missing " + keys[next]);
          }
        }
        warm.flush();
        long[] after = stats(pool, table);
        if (round >= WARMUP) {
          wal[round - WARMUP] = after[2] - before[2];
          updates += after[0] - before[0];
          hot += after[1] - before[1];
        }
      }
      Arrays.sort(wal);
      System.out.printf(
          Locale.ROOT,
          "table %s (%s), %d memories, %d rounds of %d WARM reads + 1 flush after %d warm-up"
              + " rounds%n"
              + "flush updates: %d, HOT: %d (%.1f%%)%n"
              + "WAL bytes per 1,000 reads: median %d, min %d, max %d%n",
          table,
          fillfactor.isEmpty() ? "default reloptions" : fillfactor,
          KEYS,
          rounds,
          READS,
          WARMUP,
          updates,
          hot,
          updates == 0 ? 0.0 : 100.0 * hot / updates,
          wal[rounds / 2] * 1000 / READS,
          wal[0] * 1000 / READS,
          wal[rounds - 1] * 1000 / READS);
    }
  }

  /** {n_tup_upd, n_tup_hot_upd, current WAL LSN as bytes}, this backend's counts reported. */
  private static long[] stats(HikariDataSource pool, String table) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      // The one pooled backend ran the flush; its counts go out when it is next idle.
      s.execute("SELECT pg_stat_force_next_flush()");
      s.execute("SELECT pg_stat_clear_snapshot()");
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT n_tup_upd, n_tup_hot_upd, pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')"
                  + "::bigint FROM pg_stat_user_tables WHERE relid = ?::regclass")) {
        ps.setString(1, table);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
        }
      }
    }
  }

  private static String query(HikariDataSource pool, String sql) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void drop(HikariDataSource pool, String table) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      for (String suffix : new String[] {"", "$journal", "$embedder", "$history"}) {
        s.execute("DROP TABLE IF EXISTS \"" + table + suffix + "\"");
      }
      s.execute("DELETE FROM tiered_memory_schema WHERE table_name = '" + table + "'");
    }
  }
}
