package io.tieredmemory.benchmarks;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.redis.RedisTierStore;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import redis.clients.jedis.RedisClient;

/**
 * The paired check of {@link RedisHotBenchmark}, which resists the drift that moves whole JMH
 * iterations on a shared machine: alternating blocks of {@code block} raw HMGETs and {@code block}
 * store {@code get}s (HOT hits) on one {@code RedisClient}, for {@code rounds} rounds, each round's
 * two blocks timed back to back (which one goes first alternates by round). Prints each round's
 * mean per operation and the store / raw ratio, then the median ratio, its interquartile range and
 * the best block of each, and the calling thread's CPU time per operation (client-side work; on a
 * loaded machine it too varies between JVM runs: see benchmarks/analysis.md). Runs on {@code
 * TM_REDIS_URL}, like the JMH benchmark:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.tieredmemory.benchmarks.RedisHotPaired [rounds] [block]
 * </pre>
 *
 * Defaults: 35 rounds of 2,000 + 2,000, after 5 rounds of warm-up that are not counted.
 */
public final class RedisHotPaired {
  private RedisHotPaired() {}

  /**
   * Runs the check.
   *
   * @param args optional: rounds (default 35), block size (default 2,000)
   */
  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 35;
    int block = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    run(rounds, block, System.out);
  }

  /**
   * Runs {@code rounds} measured rounds of {@code block} + {@code block} operations, printing to
   * {@code out}, and returns the median store / raw ratio.
   */
  static double run(int rounds, int block, PrintStream out) {
    if (rounds < 1 || block < 1) {
      throw new IllegalArgumentException(
          "rounds and block must be >= 1, were " + rounds + " and " + block);
    }
    int keyCount = RedisHotBenchmark.KEYS;
    RedisClient jedis = Servers.redis();
    String prefix = "tm:bench-paired:" + Long.toHexString(System.nanoTime()) + ":";
    RedisTierStore hot = RedisTierStore.builder(jedis).prefix(prefix).build();
    TieredMemory store =
        TieredMemory.builder("bench-redis-paired")
            // each put's HOT copy is made before put returns: every get measured, from the first
            // round on, is a HOT hit (a HOT hit makes no move either way)
            .readMoves(ReadMoves.CALLER)
            .hot(hot)
            .disableScheduledSweeps()
            .discoverObservers(false)
            .build();
    String[] keys = new String[keyCount];
    String[] hashes = new String[keyCount];
    try {
      for (int i = 0; i < keyCount; i++) {
        keys[i] = "memory:" + i;
        hashes[i] = prefix + "m:" + keys[i];
        store.put(
            keys[i], "content of memory " + i + ", a sentence of ordinary length for an agent");
      }
      long check = 0;
      double[] raw = new double[rounds];
      double[] tiered = new double[rounds];
      double[] ratio = new double[rounds];
      double[] rawCpu = new double[rounds];
      double[] storeCpu = new double[rounds];
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      for (int r = -5; r < rounds; r++) {
        long rawNanos;
        long storeNanos;
        long rawCpuNanos;
        long storeCpuNanos;
        long c0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        if ((r & 1) == 0) {
          check += rawBlock(jedis, hashes, block);
          long t1 = System.nanoTime();
          long c1 = threads.getCurrentThreadCpuTime();
          check += storeBlock(store, keys, block);
          long t2 = System.nanoTime();
          long c2 = threads.getCurrentThreadCpuTime();
          rawNanos = t1 - t0;
          storeNanos = t2 - t1;
          rawCpuNanos = c1 - c0;
          storeCpuNanos = c2 - c1;
        } else {
          check += storeBlock(store, keys, block);
          long t1 = System.nanoTime();
          long c1 = threads.getCurrentThreadCpuTime();
          check += rawBlock(jedis, hashes, block);
          long t2 = System.nanoTime();
          long c2 = threads.getCurrentThreadCpuTime();
          storeNanos = t1 - t0;
          rawNanos = t2 - t1;
          storeCpuNanos = c1 - c0;
          rawCpuNanos = c2 - c1;
        }
        if (r < 0) {
          continue;
        }
        rawCpu[r] = rawCpuNanos / 1_000.0 / block;
        storeCpu[r] = storeCpuNanos / 1_000.0 / block;
        raw[r] = rawNanos / 1_000.0 / block;
        tiered[r] = storeNanos / 1_000.0 / block;
        ratio[r] = tiered[r] / raw[r];
        out.printf(
            Locale.ROOT,
            "round %2d: raw %7.2f us, store %7.2f us, store/raw %.3f; cpu raw %6.2f us, store"
                + " %6.2f us%n",
            r + 1,
            raw[r],
            tiered[r],
            ratio[r],
            rawCpu[r],
            storeCpu[r]);
      }
      PairedStats.Spread ratios = PairedStats.Spread.of(ratio);
      out.printf(
          Locale.ROOT,
          "store/raw over %d rounds of %d + %d: median %.3f (interquartile %.3f-%.3f); best block"
              + " raw %.2f us, store %.2f us (check %d)%n",
          rounds,
          block,
          block,
          ratios.median(),
          ratios.q1(),
          ratios.q3(),
          Arrays.stream(raw).min().orElse(Double.NaN),
          Arrays.stream(tiered).min().orElse(Double.NaN),
          check);
      double cpuRaw = PairedStats.Spread.of(rawCpu).median();
      double cpuStore = PairedStats.Spread.of(storeCpu).median();
      out.printf(
          Locale.ROOT,
          "calling thread's CPU per operation, median: raw %.2f us, store %.2f us (+%.2f us)%n",
          cpuRaw,
          cpuStore,
          cpuStore - cpuRaw);
      return ratios.median();
    } finally {
      store.close();
      hot.close();
      List<String> all = new ArrayList<>(Arrays.asList(hashes));
      all.removeIf(h -> h == null);
      all.add(prefix + "lru");
      all.add(prefix + "bytes");
      jedis.del(all.toArray(new String[0]));
      jedis.close();
    }
  }

  private static final boolean BINARY_RAW = Boolean.getBoolean("paired.binaryRaw");

  private static final byte[][] READ_FIELD_BYTES = new byte[RedisHotBenchmark.READ_FIELDS.length][];

  static {
    for (int i = 0; i < READ_FIELD_BYTES.length; i++) {
      READ_FIELD_BYTES[i] = RedisHotBenchmark.READ_FIELDS[i].getBytes(StandardCharsets.UTF_8);
    }
  }

  /**
   * The raw block: HMGETs of the String API ({@code -Dpaired.binaryRaw=true}: of the binary API,
   * the content decoded as the store does).
   */
  private static long rawBlock(RedisClient jedis, String[] hashes, int block) {
    long sum = 0;
    for (int i = 0; i < block; i++) {
      String hash = hashes[i & (hashes.length - 1)];
      if (BINARY_RAW) {
        List<byte[]> fields = jedis.hmget(hash.getBytes(StandardCharsets.UTF_8), READ_FIELD_BYTES);
        sum += new String(fields.get(1), StandardCharsets.UTF_8).length();
      } else {
        List<String> fields = jedis.hmget(hash, RedisHotBenchmark.READ_FIELDS);
        sum += fields.get(1).length();
      }
    }
    return sum;
  }

  private static long storeBlock(TieredMemory store, String[] keys, int block) {
    long sum = 0;
    for (int i = 0; i < block; i++) {
      Memory m = store.get(keys[i & (keys.length - 1)]).orElseThrow();
      sum += m.content().length();
    }
    return sum;
  }
}
