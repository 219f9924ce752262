package io.tieredmemory.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.SweepResult;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.postgres.PostgresTierStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One sweep that archives a fixed {@value #MOVED} idle memories while WARM holds {@code held}
 * others (recently read, spread over the last day), in process or on PostgreSQL. HOT and COLD are
 * in process. Sweeps read candidates from a last-access index, so the cost per moved memory should
 * not grow with {@code held}. Scores are microseconds per moved memory.
 *
 * <p>PostgreSQL: the table is created by the store, then the {@code held} rows are loaded with
 * {@code COPY} and {@code VACUUM ANALYZE}d once; a later fork (or benchmark run against the same
 * server) that finds the table already holding exactly those rows reuses it. Each invocation's
 * candidates are added with one {@code COPY} before it (not measured).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@OperationsPerInvocation(SweepScalingBenchmark.MOVED)
@Warmup(iterations = 10)
@Measurement(iterations = 20)
// jvmArgs, not jvmArgsAppend: a -jvmArgsAppend on the command line (bench.sh's JAVA_OPTS_BENCH, a
// GC log) replaces the annotation's jvmArgsAppend, and the 1M heap would lose its fixed size.
@Fork(
    value = 1,
    jvmArgs = {"-Xms3g", "-Xmx3g"})
public class SweepScalingBenchmark {
  static final int MOVED = 1000;
  private static final long NOW = BenchClock.ORIGIN.toEpochMilli();
  private static final long WRITTEN_NS = (NOW - Duration.ofDays(40).toMillis()) * 1_000_000L;
  private static final String BACKGROUND = "background memory about the user's projects and plans";

  /** Where WARM lives. */
  @Param({"in-process", "postgres"})
  public String backend;

  /** Memories WARM holds besides the candidates. */
  @Param({"10000", "100000", "1000000"})
  public int held;

  private final String run = Long.toHexString(System.nanoTime());
  private TierStore warm;
  private TieredMemory store;
  private HikariDataSource pool;
  private String table;
  private WarmRows rows;
  private int invocation;

  /** Builds the store, then fills WARM with {@code held} recently read memories. */
  @Setup(Level.Trial)
  public void setUp() throws SQLException {
    if (backend.equals("postgres")) {
      pool = Servers.postgres("bench-sweep", 4);
      table = "bench_sweep_" + held;
      warm = PostgresTierStore.builder(pool).table(table).build();
      rows = new WarmRows(pool, table, WRITTEN_NS);
      loadPostgres();
    } else if (backend.equals("in-process")) {
      warm = InProcessTiers.warm(Embedder.hashing());
      Instant written = Instant.ofEpochSecond(0, WRITTEN_NS);
      for (int i = 0; i < held; i++) {
        Memory m = new Memory(backgroundKey(i), BACKGROUND, Map.of(), written, written, 1000 + i);
        warm.copyIn(new StoredMemory(m, 1, backgroundAccess(i)));
      }
    } else {
      throw new IllegalArgumentException("backend must be in-process or postgres, was " + backend);
    }
    store =
        TieredMemory.builder("bench-sweep")
            .hot(InProcessTiers.hot())
            .warm(warm)
            .cold(InProcessTiers.plain())
            .clock(new BenchClock(BenchClock.ORIGIN))
            .disableScheduledSweeps()
            .discoverObservers(false)
            .build();
  }

  /** Closes the store; the PostgreSQL table stays for the next fork or run. */
  @TearDown(Level.Trial)
  public void tearDown() {
    store.close();
    if (pool != null) {
      pool.close();
    }
  }

  static String backgroundKey(int i) {
    return WarmRows.key("bg:", i);
  }

  /** Within the last day: never idle for the default 7-day archive rule. */
  static long backgroundAccess(int i) {
    return NOW - (i % 86_400) * 1000L - (i % 997);
  }

  /**
   * {@value #MOVED} memories idle for 30 days, added straight to WARM; then a full collection, so
   * that the measured sweep starts with an empty young generation and no collection falls inside it
   * (a sweep allocates a few MB, far less than the young generation of the 3 GB heap). Without it a
   * single shot that happens to contain a young collection, whose pause grows with the heap held
   * (up to tens of ms at 1M memories in process on 2 busy cores), is several times the sweep
   * itself: what the benchmark measured then was where the collections fell.
   */
  @Setup(Level.Invocation)
  public void addCandidates() throws SQLException {
    invocation++;
    long lastAccess = NOW - Duration.ofDays(30).toMillis();
    if (pool == null) {
      Instant written = Instant.ofEpochSecond(0, WRITTEN_NS);
      for (int i = 0; i < MOVED; i++) {
        Memory m = new Memory(candidateKey(i), "idle memory " + i, Map.of(), written, written, 7);
        warm.copyIn(new StoredMemory(m, 1, lastAccess + i));
      }
    } else {
      StringBuilder b = new StringBuilder(MOVED * 120);
      for (int i = 0; i < MOVED; i++) {
        rows.row(b, candidateKey(i), "idle memory " + i, 7, lastAccess + i);
      }
      rows.copy(b.toString());
    }
    System.gc();
  }

  private String candidateKey(int i) {
    return "cand:" + run + ":" + invocation + ":" + i;
  }

  /** One sweep, which must archive exactly the candidates. */
  @Benchmark
  public SweepResult sweep() {
    SweepResult r = store.sweep();
    if (r.archived() != MOVED) {
      throw new IllegalStateException("expected " + MOVED + " archived, the sweep gave " + r);
    }
    return r;
  }

  private void loadPostgres() throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM " + table + " WHERE key >= 'cand:' AND key < 'cand;'");
    }
    rows.loadOnce(
        held,
        new WarmRows.Background() {
          @Override
          public String key(int i) {
            return backgroundKey(i);
          }

          @Override
          public String content(int i) {
            return BACKGROUND;
          }

          @Override
          public long version(int i) {
            return 1000 + i;
          }

          @Override
          public long lastAccessMillis(int i) {
            return backgroundAccess(i);
          }
        });
  }
}
