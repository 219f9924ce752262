package io.tieredmemory.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.Tier;
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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A WARM hit on real PostgreSQL that does not promote: HOT (in process) stays empty, so every
 * {@code get} misses HOT and is served by WARM. Baseline {@code rawJdbcSelect}: a primary-key
 * SELECT of the columns the store reads, through the same HikariCP pool.
 *
 * <p>The policy never promotes: two reads of one key within 1 ms, while the benchmark reads each of
 * its 1,024 keys once every few hundred milliseconds. ({@code promoteAfter(Integer.MAX_VALUE, ..)}
 * cannot be used: the promotion counter allocates a ring of {@code reads + 1} longs per key.)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(2)
public class WarmBenchmark {
  static final int KEYS = 1024;
  static final String TABLE = "bench_warm";

  /** The columns {@code PostgresTierStore.read} selects (docs/backends/postgres.md). */
  static final String SELECT =
      "SELECT key, content, content_escaped, metadata, created_ns, updated_ns, version,"
          + " access_count, last_access FROM "
          + TABLE
          + " WHERE key = ?";

  private final String[] keys = new String[KEYS];
  private HikariDataSource pool;
  private TierStore warm;
  private TieredMemory store;
  private int next;

  /** Creates the table through the store, writes the keys straight into WARM (HOT stays empty). */
  @Setup(Level.Trial)
  public void setUp() throws SQLException {
    pool = Servers.postgres("bench-warm", 4);
    warm = PostgresTierStore.builder(pool).table(TABLE).build();
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("TRUNCATE " + TABLE);
    }
    store =
        TieredMemory.builder("bench-warm")
            .warm(warm)
            .policy(TieringPolicy.custom().promoteAfter(2, Duration.ofMillis(1)).build())
            .disableScheduledSweeps()
            .discoverObservers(false)
            .build();
    Instant now = Instant.now();
    long version = now.toEpochMilli() * 1000;
    for (int i = 0; i < KEYS; i++) {
      keys[i] = "memory:" + i;
      String content = "content of memory " + i + ", a sentence of ordinary length for an agent";
      warm.upsert(new Memory(keys[i], content, Map.of(), now, now, version), now.toEpochMilli());
    }
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("VACUUM ANALYZE " + TABLE);
    }
  }

  /**
   * Checks nothing was promoted (HOT must have stayed empty), empties the table. (Truncated, not
   * dropped: the store's schema bookkeeping would take a dropped table for a migrated one.)
   */
  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    try {
      long promoted = store.tier(Tier.HOT).count();
      store.close();
      if (promoted != 0) {
        throw new IllegalStateException(
            promoted + " memories were promoted to HOT: tieredWarmGet measured HOT hits");
      }
      try (Connection c = pool.getConnection();
          Statement s = c.createStatement()) {
        s.execute("TRUNCATE " + TABLE);
      }
    } finally {
      pool.close();
    }
  }

  private int advance() {
    next = (next + 1) & (KEYS - 1);
    return next;
  }

  /** The baseline: the store's SELECT by primary key, columns read as the store reads them. */
  @Benchmark
  public void rawJdbcSelect(Blackhole bh) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement(SELECT)) {
      ps.setString(1, keys[advance()]);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("missing row");
        }
        bh.consume(rs.getString(1));
        bh.consume(rs.getString(2));
        bh.consume(rs.getBoolean(3));
        bh.consume(rs.getString(4));
        bh.consume(rs.getLong(5));
        bh.consume(rs.getLong(6));
        bh.consume(rs.getLong(7));
        bh.consume(rs.getLong(8));
        bh.consume(rs.getLong(9));
      }
    }
  }

  /** A WARM hit through the store (HOT empty, no promotion). */
  @Benchmark
  public Optional<Memory> tieredWarmGet() {
    return store.get(keys[advance()]);
  }
}
