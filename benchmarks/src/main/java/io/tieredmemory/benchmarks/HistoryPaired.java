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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.RedisClient;

/**
 * The paired check of {@link HistoryBenchmark} on the real tiers, which resists the drift that
 * moves whole JMH runs on a shared machine: in one JVM, stores on Redis HOT, PostgreSQL WARM and
 * Chroma COLD, each with its own key prefix, table, collection, Redis client and connection pool,
 * and the benchmark's policy (nothing ever moves). By default four:
 *
 * <ol>
 *   <li>{@code off}: history off, the baseline of the ratios;
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
 * store's block (what is still queued when a block ends is written untimed: the larger the block,
 * the smaller that part). Prints each round, then for each operation the median over rounds of each
 * store's p50 and p99, and of each store's per-round p50 ratio to the baseline with its
 * interquartile range, and the median of the calling thread's CPU time per operation; then the CPU
 * the background writer threads used per {@code put}. Runs on the {@code TM_*} servers, like the
 * JMH benchmark; removes its keys, tables and collections at the end:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.tieredmemory.benchmarks.HistoryPaired [rounds] [block] [warmup] [stores]
 * </pre>
 *
 * Defaults: 30 rounds of 300 operations per block, after 5 rounds of warm-up that are not counted;
 * stores {@value #DEFAULT_STORES} (e.g. {@code off,on,on,feed,off} adds a second history store).
 */
public final class HistoryPaired {
  /** The stores of a default run: off, on, on+feed, and off again as the control. */
  static final String DEFAULT_STORES = "off,on,feed,off";

  private static final String[] OPERATIONS = {"put", "get"};
  private static final String CONTENT = "rewritten memory, the user prefers answers in German";

  private HistoryPaired() {}

  /**
   * Runs the check.
   *
   * @param args optional: rounds (default 30), block size (default 300), warm-up rounds (default
   *     5), the stores (default {@value #DEFAULT_STORES}: a comma-separated list of {@code off},
   *     {@code on}, {@code feed}; the first is the baseline of the ratios)
   */
  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int block = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    String stores = args.length > 3 ? args[3] : DEFAULT_STORES;
    run(rounds, block, warmup, stores, System.out);
  }

  /**
   * Per operation ({@code put}, {@code get}), per store label other than the baseline's (e.g.
   * {@code on}, {@code on+feed}, {@code off2}): the median over rounds of the per-round ratio of
   * its p50 to the baseline's, with the interquartile range.
   */
  record Result(Map<String, PairedStats.Spread> put, Map<String, PairedStats.Spread> get) {}

  /** One kind of store: what it keeps. */
  private enum Kind {
    OFF("off", false, false),
    ON("on", true, false),
    FEED("on+feed", true, true);

    final String label;
    final boolean history;
    final boolean feed;

    Kind(String label, boolean history, boolean feed) {
      this.label = label;
      this.history = history;
      this.feed = feed;
    }

    static Kind parse(String name) {
      return switch (name.strip()) {
        case "off" -> OFF;
        case "on" -> ON;
        case "feed" -> FEED;
        default ->
            throw new IllegalArgumentException(
                "stores: each must be off, on or feed, was '" + name.strip() + "'");
      };
    }
  }

  /**
   * Runs {@code warmup} rounds not counted and {@code rounds} measured ones of {@code block}
   * operations per store and operation on the {@code stores} (as {@link #main} takes them),
   * printing to {@code out}.
   */
  static Result run(int rounds, int block, int warmup, String stores, PrintStream out) {
    if (rounds < 1 || block < 1 || warmup < 0) {
      throw new IllegalArgumentException(
          "rounds and block must be >= 1 and warmup >= 0, were rounds="
              + rounds
              + ", block="
              + block
              + ", warmup="
              + warmup);
    }
    List<Kind> kinds = new ArrayList<>();
    for (String name : stores.split(",", -1)) {
      kinds.add(Kind.parse(name));
    }
    if (kinds.size() < 2 || kinds.size() > 10) {
      throw new IllegalArgumentException("stores: from 2 to 10 are compared, was '" + stores + "'");
    }
    int n = kinds.size();
    String[] labels = new String[n];
    String run = Long.toHexString(System.nanoTime());
    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    List<Side> sides = new ArrayList<>();
    try {
      for (int v = 0; v < n; v++) {
        Kind k = kinds.get(v);
        int same = 1;
        for (int u = 0; u < v; u++) {
          same += kinds.get(u) == k ? 1 : 0;
        }
        labels[v] = same == 1 ? k.label : k.label + same;
        // Fixed width: no store's table name is the start of another's (Cleanup drops by prefix).
        String suffix = String.format(Locale.ROOT, "%s_%02d", run, v);
        sides.add(new Side("bench-histp-" + suffix.replace('_', '-'), suffix, k.history, k.feed));
      }
      for (Side s : sides) {
        s.preload();
      }
      out.printf(
          Locale.ROOT,
          "HistoryPaired %s: %d rounds of %d puts then %d gets per store (+%d warm-up rounds),"
              + " %d keys, load average %.2f; stores %s (on: history; on+feed: history and a"
              + " durable feed with puts; a repeated kind is numbered: the control); us per"
              + " operation, p50 (p99) of each block%n",
          Instant.now(),
          rounds,
          block,
          block,
          warmup,
          HistoryBenchmark.KEYS,
          loadBefore,
          String.join(", ", labels));
      double[][][] p50 = new double[2][n][rounds];
      double[][][] p99 = new double[2][n][rounds];
      double[][][] cpu = new double[2][n][rounds];
      long[] timed = new long[block];
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long[] cpuAtStart = new long[0];
      for (int r = -warmup; r < rounds; r++) {
        if (r == 0) {
          cpuAtStart = backgroundCpu(sides);
        }
        int first = Math.floorMod(r, n);
        for (int op = 0; op < 2; op++) {
          for (int i = 0; i < n; i++) {
            int v = (first + i) % n;
            Side s = sides.get(v);
            long c0 = threads.getCurrentThreadCpuTime();
            if (op == 0) {
              s.putBlock(timed);
            } else {
              s.getBlock(timed);
            }
            long c1 = threads.getCurrentThreadCpuTime();
            s.drain();
            if (r >= 0) {
              cpu[op][v][r] = (c1 - c0) / 1_000.0 / block;
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
                      labels[v],
                      p50[op][v][r],
                      p99[op][v][r],
                      v < n - 1 ? "," : ";"));
            }
            for (int v = 1; v < n; v++) {
              line.append(
                  String.format(
                      Locale.ROOT,
                      " %s/%s %.3f,",
                      labels[v],
                      labels[0],
                      p50[op][v][r] / p50[op][0][r]));
            }
            out.println(line.append(" first ").append(labels[first]));
          }
        }
      }
      long[] cpuAtEnd = backgroundCpu(sides);
      List<Map<String, PairedStats.Spread>> spreads = new ArrayList<>();
      for (int op = 0; op < 2; op++) {
        spreads.add(
            summarize(OPERATIONS[op], labels, p50[op], p99[op], cpu[op], rounds, block, out));
      }
      double puts = (double) rounds * block;
      List<String> writers = new ArrayList<>();
      List<String> dropped = new ArrayList<>();
      for (int v = 0; v < n; v++) {
        if (kinds.get(v).history) {
          writers.add(
              String.format(
                  Locale.ROOT,
                  "%s %.2f history writer%s",
                  labels[v],
                  (cpuAtEnd[2 * v] - cpuAtStart[2 * v]) / 1_000.0 / puts,
                  kinds.get(v).feed
                      ? String.format(
                          Locale.ROOT,
                          " + %.2f feed writer",
                          (cpuAtEnd[2 * v + 1] - cpuAtStart[2 * v + 1]) / 1_000.0 / puts)
                      : ""));
          dropped.add(labels[v] + " " + sides.get(v).store.historyDropped());
        }
      }
      out.printf(
          Locale.ROOT,
          "background threads' CPU per measured put (us): %s%n",
          writers.isEmpty() ? "none" : String.join(", ", writers));
      out.printf(
          Locale.ROOT,
          "load average at the end %.2f; history entries dropped: %s%n",
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
          dropped.isEmpty() ? "none" : String.join(", ", dropped));
      return new Result(spreads.get(0), spreads.get(1));
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
   * p50 ratio to the baseline's, by label (the baseline's left out).
   */
  private static Map<String, PairedStats.Spread> summarize(
      String op,
      String[] labels,
      double[][] p50,
      double[][] p99,
      double[][] cpu,
      int rounds,
      int block,
      PrintStream out) {
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
            String.format(Locale.ROOT, "%s p50 ratio to %s, median over rounds:", op, labels[0]));
    StringBuilder cpus =
        new StringBuilder(
            String.format(Locale.ROOT, "%s, the calling thread's CPU per operation, median:", op));
    Map<String, PairedStats.Spread> spreads = new LinkedHashMap<>();
    for (int v = 0; v < p50.length; v++) {
      cpus.append(
          String.format(
              Locale.ROOT,
              " %s %.1f%s",
              labels[v],
              PairedStats.Spread.of(cpu[v]).median(),
              v < p50.length - 1 ? "," : " us"));
      medians.append(
          String.format(
              Locale.ROOT,
              " %s %.1f (%.1f)%s",
              labels[v],
              PairedStats.Spread.of(p50[v]).median(),
              PairedStats.Spread.of(p99[v]).median(),
              v < p50.length - 1 ? "," : " us"));
      if (v == 0) {
        continue;
      }
      double[] ratio = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        ratio[r] = p50[v][r] / p50[0][r];
      }
      PairedStats.Spread s = PairedStats.Spread.of(ratio);
      spreads.put(labels[v], s);
      ratios.append(
          String.format(
              Locale.ROOT,
              " %s/%s %.3f (interquartile %.3f-%.3f)%s",
              labels[v],
              labels[0],
              s.median(),
              s.q1(),
              s.q3(),
              v < p50.length - 1 ? "," : ""));
    }
    out.println(medians);
    out.println(ratios);
    out.println(cpus);
    return spreads;
  }

  /**
   * CPU time so far of each store's history writer and feed writer (nanoseconds, at {@code 2 *
   * store} and {@code 2 * store + 1}; a thread not found counts 0).
   */
  private static long[] backgroundCpu(List<Side> sides) {
    long[] cpu = new long[2 * sides.size()];
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      for (int v = 0; v < sides.size(); v++) {
        String name = info.getThreadName();
        int slot =
            name.equals("tiered-memory-history-" + sides.get(v).name)
                ? 2 * v
                : name.equals("tiered-memory-feed-writer-" + sides.get(v).name) ? 2 * v + 1 : -1;
        if (slot >= 0) {
          cpu[slot] += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
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
