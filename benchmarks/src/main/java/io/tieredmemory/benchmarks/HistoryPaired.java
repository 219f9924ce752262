package io.tieredmemory.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tieredmemory.chroma.ChromaTierStore;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.metrics.DecisionFeed;
import io.tieredmemory.postgres.PostgresTierStore;
import io.tieredmemory.redis.RedisTierStore;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.RedisClient;

/**
 * The paired check of {@link HistoryBenchmark} on the real tiers, which resists the drift that
 * moves whole JMH runs on a shared machine: in one JVM, three stores on Redis HOT, PostgreSQL WARM
 * and Chroma COLD, each with its own key prefix, table, collection, Redis client and connection
 * pool, and the benchmark's policy (nothing ever moves):
 *
 * <ol>
 *   <li>{@code off}: history off;
 *   <li>{@code on}: history on (its entries written to {@code <table>$history} by the store's own
 *       thread in batches);
 *   <li>{@code on+feed}: history on and a durable {@link DecisionFeed} with puts included (each put
 *       also queues one decision, which the feed's own thread writes to {@code <table>$events});
 *   <li>{@code off2}: history off again, the control: how far two identical stores differ in the
 *       same run, the yardstick for the other ratios.
 * </ol>
 *
 * Each round runs a block of {@code block} {@code put}s of existing keys on each store back to
 * back, then a block of {@code block} {@code get}s (HOT hits) on each; the stores' order rotates by
 * round. Every operation is timed; a block's figures are its p50 and p99. After each block the
 * store's queued history and decisions are written ({@code history(key)}, {@link
 * DecisionFeed#flush()}, not timed), so that one store's background writes never run during another
 * store's block. Prints each round, then for each operation the median over rounds of each store's
 * p50 and p99, and of the per-round ratios {@code on/off} and {@code on+feed/off} with their
 * interquartile range, and the CPU the background writer threads used per {@code put}. Runs on the
 * {@code TM_*} servers, like the JMH benchmark; removes its keys, tables and collections at the
 * end:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.tieredmemory.benchmarks.HistoryPaired [rounds] [block] [warmup]
 * </pre>
 *
 * Defaults: 30 rounds of 300 operations per block, after 5 rounds of warm-up that are not counted.
 */
public final class HistoryPaired {
  private static final String[] LABELS = {"off", "on", "on+feed", "off2"};
  private static final String[] OPERATIONS = {"put", "get"};
  private static final String CONTENT = "rewritten memory, the user prefers answers in German";

  private HistoryPaired() {}

  /**
   * Runs the check.
   *
   * @param args optional: rounds (default 30), block size (default 300), warm-up rounds (default 5)
   */
  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int block = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    run(rounds, block, warmup, System.out);
  }

  /**
   * The medians over rounds of the per-round p50 ratios to {@code off}, with their interquartile
   * ranges: {@code on}, {@code on+feed} and the control {@code off2}.
   */
  record Result(
      PairedStats.Spread putOn,
      PairedStats.Spread putOnFeed,
      PairedStats.Spread putControl,
      PairedStats.Spread getOn,
      PairedStats.Spread getOnFeed,
      PairedStats.Spread getControl) {}

  /**
   * Runs {@code warmup} rounds not counted and {@code rounds} measured ones of {@code block}
   * operations per store and operation, printing to {@code out}.
   */
  static Result run(int rounds, int block, int warmup, PrintStream out) {
    if (rounds < 1 || block < 1 || warmup < 0) {
      throw new IllegalArgumentException(
          "rounds and block must be >= 1 and warmup >= 0, were rounds="
              + rounds
              + ", block="
              + block
              + ", warmup="
              + warmup);
    }
    String run = Long.toHexString(System.nanoTime());
    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    List<Side> sides = new ArrayList<>();
    try {
      sides.add(new Side("bench-histp-off-" + run, run + "_off", false, false));
      sides.add(new Side("bench-histp-on-" + run, run + "_hist", true, false));
      sides.add(new Side("bench-histp-feed-" + run, run + "_feed", true, true));
      sides.add(new Side("bench-histp-ctl-" + run, run + "_ctl", false, false));
      for (Side s : sides) {
        s.preload();
      }
      int n = sides.size();
      out.printf(
          Locale.ROOT,
          "HistoryPaired %s: %d rounds of %d puts then %d gets per store (+%d warm-up rounds),"
              + " %d keys, load average %.2f; stores: off, on (history), on+feed (history and a"
              + " durable feed with puts), off2 (history off again: the control); us per"
              + " operation, p50 (p99) of each block%n",
          Instant.now(),
          rounds,
          block,
          block,
          warmup,
          HistoryBenchmark.KEYS,
          loadBefore);
      double[][][] p50 = new double[2][n][rounds];
      double[][][] p99 = new double[2][n][rounds];
      long[] timed = new long[block];
      long[] cpuAtStart = new long[3];
      for (int r = -warmup; r < rounds; r++) {
        if (r == 0) {
          cpuAtStart = backgroundCpu(sides);
        }
        int first = Math.floorMod(r, n);
        for (int op = 0; op < 2; op++) {
          for (int i = 0; i < n; i++) {
            int v = (first + i) % n;
            Side s = sides.get(v);
            if (op == 0) {
              s.putBlock(timed);
            } else {
              s.getBlock(timed);
            }
            s.drain();
            if (r >= 0) {
              Arrays.sort(timed);
              p50[op][v][r] = PairedStats.quantile(timed, 0.5) / 1_000.0;
              p99[op][v][r] = PairedStats.quantile(timed, 0.99) / 1_000.0;
            }
          }
          if (r >= 0) {
            StringBuilder line =
                new StringBuilder(
                    String.format(Locale.ROOT, "round %2d %s:", r + 1, OPERATIONS[op]));
            for (int v = 0; v < n; v++) {
              line.append(
                  String.format(
                      Locale.ROOT,
                      " %s %7.1f (%7.1f)%s",
                      LABELS[v],
                      p50[op][v][r],
                      p99[op][v][r],
                      v < n - 1 ? "," : ";"));
            }
            for (int v = 1; v < n; v++) {
              line.append(
                  String.format(
                      Locale.ROOT, " %s/off %.3f,", LABELS[v], p50[op][v][r] / p50[op][0][r]));
            }
            out.println(line.append(" first ").append(LABELS[first]));
          }
        }
      }
      long[] cpuAtEnd = backgroundCpu(sides);
      PairedStats.Spread[][] spreads = new PairedStats.Spread[2][];
      for (int op = 0; op < 2; op++) {
        spreads[op] = summarize(OPERATIONS[op], p50[op], p99[op], rounds, block, out);
      }
      double puts = (double) rounds * block;
      out.printf(
          Locale.ROOT,
          "background threads' CPU per measured put (us): history writer: on %.2f, on+feed"
              + " %.2f; feed writer: on+feed %.2f%n",
          (cpuAtEnd[0] - cpuAtStart[0]) / 1_000.0 / puts,
          (cpuAtEnd[1] - cpuAtStart[1]) / 1_000.0 / puts,
          (cpuAtEnd[2] - cpuAtStart[2]) / 1_000.0 / puts);
      out.printf(
          Locale.ROOT,
          "load average at the end %.2f; history entries dropped: on %d, on+feed %d%n",
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
          sides.get(1).store.historyDropped(),
          sides.get(2).store.historyDropped());
      return new Result(
          spreads[0][1], spreads[0][2], spreads[0][3], spreads[1][1], spreads[1][2], spreads[1][3]);
    } finally {
      RuntimeException failure = null;
      for (Side s : sides) {
        try {
          s.close();
        } catch (RuntimeException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    }
  }

  /**
   * Prints the medians over rounds of one operation; returns the spread of each store's per-round
   * p50 ratio to {@code off} (index 0: off/off, 1).
   */
  private static PairedStats.Spread[] summarize(
      String op, double[][] p50, double[][] p99, int rounds, int block, PrintStream out) {
    StringBuilder medians =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%s over %d rounds of %d, median of the blocks' p50 (p99):",
                op,
                rounds,
                block));
    StringBuilder ratios =
        new StringBuilder(
            String.format(Locale.ROOT, "%s p50 ratio to off, median over rounds:", op));
    PairedStats.Spread[] spreads = new PairedStats.Spread[p50.length];
    for (int v = 0; v < p50.length; v++) {
      medians.append(
          String.format(
              Locale.ROOT,
              " %s %.1f (%.1f)%s",
              LABELS[v],
              PairedStats.Spread.of(p50[v]).median(),
              PairedStats.Spread.of(p99[v]).median(),
              v < p50.length - 1 ? "," : " us"));
      double[] ratio = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        ratio[r] = p50[v][r] / p50[0][r];
      }
      spreads[v] = PairedStats.Spread.of(ratio);
      if (v > 0) {
        ratios.append(
            String.format(
                Locale.ROOT,
                " %s/off %.3f (interquartile %.3f-%.3f)%s",
                LABELS[v],
                spreads[v].median(),
                spreads[v].q1(),
                spreads[v].q3(),
                v < p50.length - 1 ? "," : ""));
      }
    }
    out.println(medians);
    out.println(ratios);
    return spreads;
  }

  /**
   * CPU time so far of the history writer of the {@code on} store, that of the {@code on+feed}
   * store, and the latter's feed writer (nanoseconds; a thread not found counts 0).
   */
  private static long[] backgroundCpu(List<Side> sides) {
    String[] names = {
      "tiered-memory-history-" + sides.get(1).name,
      "tiered-memory-history-" + sides.get(2).name,
      "tiered-memory-feed-writer-" + sides.get(2).name
    };
    long[] cpu = new long[names.length];
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      for (int i = 0; i < names.length; i++) {
        if (info.getThreadName().equals(names[i])) {
          cpu[i] += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
        }
      }
    }
    return cpu;
  }

  /** One store with its own clients, key prefix, table and collection. */
  private static final class Side implements AutoCloseable {
    final String name;
    final String prefix;
    final String table;
    final String collection;
    final RedisClient jedis;
    final HikariDataSource pool;
    final TieredMemory store;
    final @Nullable DecisionFeed feed;
    final boolean history;
    final String[] keys = new String[HistoryBenchmark.KEYS];
    private int next;

    Side(String name, String suffix, boolean history, boolean durableFeed) {
      this.name = name;
      this.history = history;
      this.prefix = "tm:bench-histp:" + suffix + ":";
      this.table = "bench_histp_" + suffix;
      this.collection = "bench-histp-" + suffix.replace('_', '-');
      this.jedis = Servers.redis();
      HikariDataSource p = null;
      try {
        p = Servers.postgres(name, 8);
        Embedder embedder = Embedder.hashing();
        TieredMemory.Builder b =
            TieredMemory.builder(name)
                .embedder(embedder)
                .history(history)
                // HistoryBenchmark's policy: never moves (no sweeps, promotion needs two reads
                // within 1 ms).
                .policy(TieringPolicy.custom().promoteAfter(2, Duration.ofMillis(1)).build())
                .sweepEvery(Duration.ofDays(365))
                .discoverObservers(false)
                .hot(RedisTierStore.builder(jedis).prefix(prefix).build())
                .warm(PostgresTierStore.builder(p).table(table).embedder(embedder).build())
                .cold(
                    ChromaTierStore.builder(Servers.chroma(), embedder)
                        .collection(collection)
                        .build());
        DecisionFeed f = null;
        if (durableFeed) {
          f =
              DecisionFeed.builder()
                  .durable(true)
                  .includePuts(true)
                  .registry(new SimpleMeterRegistry())
                  .build();
          b.observer(f);
        }
        this.feed = f;
        this.store = b.build();
        this.pool = p;
      } catch (RuntimeException e) {
        if (p != null) {
          p.close();
        }
        jedis.close();
        throw e;
      }
    }

    void preload() {
      for (int i = 0; i < keys.length; i++) {
        keys[i] = "hist:" + i;
        store.put(keys[i], "the user prefers answers in French, memory number " + i);
      }
      drain();
    }

    private String nextKey() {
      next = (next + 1) & (keys.length - 1);
      return keys[next];
    }

    /** {@code timed.length} puts of existing keys, each one's nanoseconds into {@code timed}. */
    void putBlock(long[] timed) {
      for (int i = 0; i < timed.length; i++) {
        String key = nextKey();
        long t0 = System.nanoTime();
        store.put(key, CONTENT);
        timed[i] = System.nanoTime() - t0;
      }
    }

    /** {@code timed.length} gets of keys HOT holds, each one's nanoseconds into {@code timed}. */
    void getBlock(long[] timed) {
      for (int i = 0; i < timed.length; i++) {
        String key = nextKey();
        long t0 = System.nanoTime();
        Memory m = store.get(key).orElseThrow(() -> new IllegalStateException(key + " missing"));
        timed[i] = System.nanoTime() - t0;
        if (m.content().isEmpty()) {
          throw new IllegalStateException(key + " read back empty");
        }
      }
    }

    /** Writes what the background threads hold queued (history, decisions); not timed. */
    void drain() {
      if (history) {
        store.history(keys[0]);
      }
      if (feed != null) {
        feed.flush();
      }
    }

    @Override
    public void close() {
      try {
        store.close();
        StoreSide.Cleanup.redisPrefix(jedis, prefix);
        StoreSide.Cleanup.tables(pool, table);
        new RawChroma(Servers.chroma()).deleteCollection(collection);
      } finally {
        pool.close();
        jedis.close();
      }
    }
  }
}
