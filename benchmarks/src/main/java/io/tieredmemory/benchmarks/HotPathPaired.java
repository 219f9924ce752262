package io.tieredmemory.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.metrics.TieredMemoryMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The same reads as {@link HotPathBenchmark}, measured in a way a loaded machine disturbs less: the
 * variants run in short alternating blocks ({@value #BLOCK} reads each, well under a scheduler time
 * slice), in a shuffled order each round, and each variant's figure is its fastest block (and its
 * median block, for the spread). A block during which the thread was descheduled is slow and drops
 * out of the minimum; blocks that ran undisturbed remain, so the minimum approaches the cost of a
 * read on an otherwise idle core, and the variants are compared within the same rounds. With two
 * threads, both run each block at once (a barrier per block) and a block's time is the slower
 * thread's, so the minimum is a block where both ran concurrently, contention included.
 *
 * <p>Uses only API present before issue 16, so the same class runs on an older build of the
 * library: {@code java -cp benchmarks.jar io.tieredmemory.benchmarks.HotPathPaired [threads]
 * [rounds]}. With {@code -Dpaired.timingSample=N} (issue 16's builds only) the metered store times
 * one get in N instead of the default.
 */
public final class HotPathPaired {
  static final int BLOCK = 20_000;
  static final int KEYS = 1024;

  private HotPathPaired() {}

  static volatile int sink;

  /**
   * Runs the comparison.
   *
   * @param args threads (1 or 2, default 1), rounds (default 3000)
   */
  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
    String[] keys = new String[KEYS];
    Cache<String, String> raw = Caffeine.newBuilder().maximumSize(10_000).build();
    Cache<String, String> booked =
        Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterAccess(Duration.ofDays(1))
            .recordStats()
            .build();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (TieredMemory plain =
            TieredMemory.builder("paired-plain")
                .disableScheduledSweeps()
                .discoverObservers(false)
                .build();
        TieredMemory metered =
            TieredMemory.builder("paired-metered")
                .disableScheduledSweeps()
                .discoverObservers(false)
                .observer(metrics(registry))
                .build()) {
      for (int i = 0; i < KEYS; i++) {
        keys[i] = "memory:" + i;
        raw.put(keys[i], "content " + i);
        booked.put(keys[i], "content " + i);
        plain.put(keys[i], "content " + i, Map.of());
        metered.put(keys[i], "content " + i, Map.of());
      }
      List<String> variants =
          List.of("rawCaffeine", "caffeineBookkeeping", "tieredNoMetrics", "tieredWithMetrics");
      List<String> names = variants;
      Map<String, long[]> times = new java.util.HashMap<>();
      for (String n : names) {
        times.put(n, new long[rounds]);
      }
      int warmup = Math.max(200, rounds / 10);
      CyclicBarrier barrier = new CyclicBarrier(threads);
      List<String> order = new ArrayList<>(names);
      List<Thread> workers = new ArrayList<>();
      long[] shared = new long[threads];
      // Each thread runs every block; thread 0 decides the order and records the slower time.
      String[] current = new String[1];
      for (int t = 0; t < threads; t++) {
        int self = t;
        Thread w =
            new Thread(
                () -> {
                  int cursor = ThreadLocalRandom.current().nextInt(KEYS);
                  Reader reader = new Reader(keys, raw, booked, plain, metered); // its own
                  try {
                    for (int r = -warmup; r < rounds; r++) {
                      if (self == 0) {
                        Collections.shuffle(order);
                      }
                      barrier.await();
                      for (int v = 0; v < names.size(); v++) {
                        if (self == 0) {
                          current[0] = order.get(v);
                        }
                        barrier.await();
                        int which = names.indexOf(current[0]);
                        long start = System.nanoTime();
                        cursor = reader.block(which, cursor);
                        shared[self] = System.nanoTime() - start;
                        barrier.await();
                        if (self == 0 && r >= 0) {
                          long slowest = 0;
                          for (long s : shared) {
                            slowest = Math.max(slowest, s);
                          }
                          times.get(current[0])[r] = slowest;
                        }
                      }
                    }
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                },
                "paired-" + t);
        w.start();
        workers.add(w);
      }
      for (Thread w : workers) {
        w.join();
      }
      System.out.printf(
          Locale.ROOT,
          "threads=%d rounds=%d block=%d (ns per read: fastest block, median block)%n",
          threads,
          rounds,
          BLOCK);
      double rawMin = 0;
      for (String n : names) {
        long[] ts = times.get(n);
        Arrays.sort(ts);
        double min = (double) ts[0] / BLOCK;
        double median = (double) ts[ts.length / 2] / BLOCK;
        if (n.equals("rawCaffeine")) {
          rawMin = min;
        }
        System.out.printf(
            Locale.ROOT,
            "%-22s min %8.2f  median %8.2f  min/raw %6.2fx%n",
            n,
            min,
            median,
            min / rawMin);
      }
      double with = (double) sorted(times.get("tieredWithMetrics"))[0] / BLOCK;
      double without = (double) sorted(times.get("tieredNoMetrics"))[0] / BLOCK;
      double book = (double) sorted(times.get("caffeineBookkeeping"))[0] / BLOCK;
      System.out.printf(
          Locale.ROOT,
          "metrics add %.2f ns/read (fastest blocks); with metrics / caffeineBookkeeping %.2fx%n",
          with - without,
          with / book);
    } finally {
      registry.close();
    }
  }

  /** One block of reads of one variant, each variant in a loop of its own (monomorphic). */
  private static final class Reader {
    final String[] keys;
    final Cache<String, String> raw;
    final Cache<String, String> booked;
    final TieredMemory plain;
    final TieredMemory metered;
    final Object[] last = new Object[8];

    Reader(
        String[] keys,
        Cache<String, String> raw,
        Cache<String, String> booked,
        TieredMemory plain,
        TieredMemory metered) {
      this.keys = keys;
      this.raw = raw;
      this.booked = booked;
      this.plain = plain;
      this.metered = metered;
    }

    int block(int which, int cursor) {
      int c = cursor;
      switch (which) {
        case 0 -> {
          for (int i = 0; i < BLOCK; i++) {
            c = (c + 1) & (KEYS - 1);
            last[i & 7] = raw.getIfPresent(keys[c]);
          }
        }
        case 1 -> {
          for (int i = 0; i < BLOCK; i++) {
            c = (c + 1) & (KEYS - 1);
            last[i & 7] = booked.getIfPresent(keys[c]);
          }
        }
        case 2 -> {
          for (int i = 0; i < BLOCK; i++) {
            c = (c + 1) & (KEYS - 1);
            last[i & 7] = plain.get(keys[c]);
          }
        }
        default -> {
          for (int i = 0; i < BLOCK; i++) {
            c = (c + 1) & (KEYS - 1);
            last[i & 7] = metered.get(keys[c]);
          }
        }
      }
      sink += last[c & 7] == null ? 0 : 1;
      return c;
    }
  }

  /**
   * The default binding, or with {@code -Dpaired.timingSample=N} one timing 1 get in N (an option
   * added by issue 16: only asked of a build that has it).
   */
  private static TieredMemoryMetrics metrics(PrometheusMeterRegistry registry) {
    String sample = System.getProperty("paired.timingSample");
    if (sample == null) {
      return TieredMemoryMetrics.of(registry);
    }
    return TieredMemoryMetrics.of(
        registry,
        io.micrometer.core.instrument.Tags.empty(),
        io.tieredmemory.metrics.MetricsOptions.defaults()
            .withTimingSample(Integer.parseInt(sample)));
  }

  private static long[] sorted(long[] a) {
    long[] c = a.clone();
    Arrays.sort(c);
    return c;
  }
}
