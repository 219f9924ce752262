package io.tieredmemory.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.postgres.PostgresTierStore;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A WARM hit and a put of an existing key on real PostgreSQL while WARM holds {@code held}
 * memories: whether the store's latency grows with the data it holds (issue 16: p50 at 1M within
 * 1.2× of 10k). HOT is in process, COLD absent.
 *
 * <p>Operations visit the memories in a random order (a shuffled cycle over all of them), so the
 * whole table and its indexes are the working set (at 1M they exceed {@code shared_buffers}): a
 * benchmark reading a few thousand keys would measure a cached table at every size. A cycle, not
 * independent draws: a key comes back only after all the others, never twice within the policy's
 * promotion window. {@code warmGet} reads the even keys and {@code warmPut} rewrites the odd ones
 * (same content length, so the table keeps its size): a put copies its memory into HOT
 * (write-through), and a get of a key in HOT would be a HOT hit. The policy never promotes (two
 * reads of one key within 1 ms), and the trial fails if HOT ends up holding more memories than were
 * put.
 *
 * <p>The {@code held} rows are loaded with {@code COPY} by {@link WarmRows} into {@code
 * bench_warmscale_<held>} (created by the store) and reused by a later fork or run that finds
 * exactly {@code held} rows there. Puts leave dead row versions: the trial setup's {@code VACUUM
 * ANALYZE} clears them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(2)
public class WarmScaleBenchmark {
  static final String CONTENT = "background memory about the user's projects and plans";
  private static final String PUT_CONTENT = "rewritten, memory about the user's projects and plans";

  /** Memories WARM holds. */
  @Param({"10000", "1000000"})
  public int held;

  private HikariDataSource pool;
  private TieredMemory store;
  private int[] order = new int[0];
  private int next;
  private final BitSet putKeys = new BitSet();

  /** Builds the store on {@code bench_warmscale_<held>} and makes it hold {@code held} rows. */
  @Setup(Level.Trial)
  public void setUp() throws SQLException {
    // At least 1,000: a cycle of 500 keys comes back to a key well after the 1 ms promotion
    // window, however fast the server answers.
    if (held < 1_000 || held > 10_000_000) {
      throw new IllegalArgumentException("held must be in [1000, 10000000], was " + held);
    }
    if (PUT_CONTENT.length() != CONTENT.length()) {
      throw new IllegalStateException("a put must keep the row's size");
    }
    order = shuffled(held / 2);
    pool = Servers.postgres("bench-warmscale", 4);
    String table = "bench_warmscale_" + held;
    PostgresTierStore warm = PostgresTierStore.builder(pool).table(table).build();
    long written = Instant.now().minus(Duration.ofDays(1)).toEpochMilli();
    new WarmRows(pool, table, written * 1_000_000L)
        .loadOnce(
            held,
            new WarmRows.Background() {
              @Override
              public String key(int i) {
                return keyOf(i);
              }

              @Override
              public String content(int i) {
                return CONTENT;
              }

              @Override
              public long version(int i) {
                return written * 1000 + i;
              }

              @Override
              public long lastAccessMillis(int i) {
                return written + i % 86_400_000;
              }
            });
    store =
        TieredMemory.builder("bench-warmscale")
            .warm(warm)
            .policy(TieringPolicy.custom().promoteAfter(2, Duration.ofMillis(1)).build())
            .disableScheduledSweeps()
            .discoverObservers(false)
            .build();
  }

  /** Fails the trial if a get was promoted (HOT holds more than the memories put), then closes. */
  @TearDown(Level.Trial)
  public void tearDown() {
    try {
      long inHot = store.tier(Tier.HOT).count();
      store.close();
      if (inHot > putKeys.cardinality()) {
        throw new IllegalStateException(
            inHot
                + " memories in HOT after "
                + putKeys.cardinality()
                + " distinct puts: some gets were promoted, and warmGet measured HOT hits");
      }
    } finally {
      pool.close();
    }
  }

  static String keyOf(int i) {
    return WarmRows.key("bg:", i);
  }

  /** 0 .. n-1 in a random order (Fisher-Yates, fixed seed). */
  static int[] shuffled(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    SplittableRandom random = new SplittableRandom(16);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** The next of the {@code held / 2} indexes, in the shuffled order, cycling. */
  private int nextIndex() {
    int i = order[next];
    next = next + 1 == order.length ? 0 : next + 1;
    return i;
  }

  /** A WARM hit on an even key, uniformly chosen (HOT never holds it). */
  @Benchmark
  public Memory warmGet() {
    String key = keyOf(2 * nextIndex());
    return store.get(key).orElseThrow(() -> new IllegalStateException("no memory " + key));
  }

  /** A put over an existing odd key, uniformly chosen: a new version of a WARM row. */
  @Benchmark
  public Memory warmPut() {
    int i = 2 * nextIndex() + 1;
    putKeys.set(i);
    return store.put(keyOf(i), PUT_CONTENT, Map.of());
  }
}
