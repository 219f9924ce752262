package io.tieredmemory.benchmarks;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.benchmarks.LoadVsRawReport.BlockResult;
import io.tieredmemory.benchmarks.LoadVsRawReport.Report;
import io.tieredmemory.core.spi.Embedder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The whole store under load against the raw clients a user would call by hand for the same
 * behaviour (issue 16): one process, the same real Redis, PostgreSQL and Chroma, the same threads,
 * the same seeded operation mix and the same skewed key popularity, in alternating blocks.
 *
 * <ul>
 *   <li><b>store</b> ({@link StoreSide}): a {@code TieredMemory} over {@code RedisTierStore},
 *       {@code PostgresTierStore} (searchable) and {@code ChromaTierStore}, with the policy of
 *       {@code --policy} ({@code moving}, LoadIT's, the default; or {@code steady}: see {@link
 *       StoreSide#policy}), a sweep every second while its block runs, and {@code
 *       TieredMemoryMetrics} bound to a {@code PrometheusMeterRegistry}.
 *   <li><b>raw</b> ({@link RawSide}): write-through {@code put} (PostgreSQL upsert, then Redis
 *       {@code HSET}), read-through {@code get} (Redis {@code HGETALL}; on a miss a PostgreSQL
 *       {@code SELECT}, then {@code HSET}), {@code delete} from all three, and {@code search} as
 *       the query's embedding (same embedder) sent to Chroma's {@code /query}.
 * </ul>
 *
 * <p>The operation mix is LoadIT's: 45% get, 30% put, 10% search (k = 5), 15% delete, over {@code
 * --keys} keys drawn from a Zipf distribution ({@code --zipf}); thread {@code t} of round {@code r}
 * draws the same sequence on both sides. One warm-up block per side, then {@code --rounds} rounds
 * of one block per side, the order alternating (store first in even rounds). By default each thread
 * sends its next request as soon as the last returned (closed loop); {@code --rate} paces both
 * sides at the same total requests per second instead, to compare latencies at the same offered
 * load. The report gives throughput and p50/p99 per operation for each side and the ratios, against
 * the targets (store throughput at least 0.8x raw, each operation's p99 at most 1.5x raw).
 * Run:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.tieredmemory.benchmarks.LoadVsRaw \
 *     --threads 8 --rounds 4 --seconds 20 --warmup 10 [--policy steady] [--rate 150]
 * </pre>
 *
 * <p>({@code ./scripts/load.sh --vs-raw} builds the jar, starts the servers and runs it.) The
 * servers come from the {@code TM_*} variables ({@link Servers}). It exits with status 1 if a
 * request failed other than by Chroma's known HNSW race (counted and reported), 0 otherwise, met or
 * not: the targets are reported, not enforced.
 */
public final class LoadVsRaw {
  static final int SEARCH_K = 5;
  static final String[] WORDS = {
    "heart", "rate", "sleep", "steps", "user", "prefers", "french", "answers", "morning", "run",
    "meeting", "project", "deadline", "coffee", "garden", "music", "travel", "budget", "report",
        "call"
  };

  /** The operations of the mix, with their share in percent. */
  enum Op {
    GET(45),
    PUT(30),
    SEARCH(10),
    DELETE(15);

    final int percent;

    Op(int percent) {
      this.percent = percent;
    }

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The operation for a die roll in [0, 100). */
    static Op of(int dice) {
      int upTo = 0;
      for (Op op : values()) {
        upTo += op.percent;
        if (dice < upTo) {
          return op;
        }
      }
      throw new IllegalArgumentException("dice must be in [0, 100), was " + dice);
    }
  }

  /** What one side does for each operation; every call is one user request. */
  interface Side extends AutoCloseable {
    String name();

    /** Writes {@code n} memories {@code key(0..n-1)} before the run (not measured). */
    void seed(List<String> keys, List<String> contents);

    /** True on a hit. */
    boolean get(String key);

    void put(String key, String content, Map<String, String> metadata);

    void delete(String key);

    /** Results found. */
    int search(String text, int k);

    /**
     * Called before a block of this side (e.g. starts its sweeps); {@code measured} is false for
     * the warm-up.
     */
    default void beginBlock(boolean measured) {}

    /** Called after a block of this side. */
    default void endBlock(boolean measured) {}

    /** What the side did besides requests, for the report (sweeps, moves); empty if nothing. */
    default String notes() {
      return "";
    }

    @Override
    void close();
  }

  private LoadVsRaw() {}

  /** Runs the comparison and prints the report; exits 1 on unexpected request errors. */
  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(Options.USAGE);
      System.exit(2);
      return;
    }
    Report report = run(options);
    String text = report.markdown();
    System.out.println(text);
    Path out = options.out();
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(out, text, StandardCharsets.UTF_8);
    System.out.println("report written to " + out);
    if (report.unexpectedErrors() > 0) {
      System.err.println(report.unexpectedErrors() + " requests failed: see the report");
      System.exit(1);
    }
  }

  /** Builds both sides on the real servers, runs the blocks, cleans up, returns the report. */
  static Report run(Options o) throws IOException {
    String run = Long.toHexString(System.nanoTime());
    Embedder embedder = Embedder.hashing();
    Zipf zipf = new Zipf(o.keys(), o.zipf());
    List<String> keys = new ArrayList<>();
    List<String> contents = new ArrayList<>();
    SplittableRandom seedRandom = new SplittableRandom(o.seed());
    for (int i = 0; i < o.keys(); i++) {
      keys.add(key(i));
      contents.add(sentence(seedRandom));
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (StoreSide store = new StoreSide(run, o.threads(), o.policy(), embedder, registry);
        RawSide raw = new RawSide(run, o.threads(), embedder)) {
      long t0 = System.nanoTime();
      store.seed(keys, contents);
      raw.seed(keys, contents);
      log(String.format(Locale.ROOT, "seeded %d keys per side in %.1f s", o.keys(), secs(t0)));
      Report report = new Report(o, loadAverage());
      if (o.warmupSeconds() > 0) {
        log("warm-up: " + o.warmupSeconds() + " s per side");
        runBlock(store, o, zipf, -1, o.warmupSeconds());
        runBlock(raw, o, zipf, -1, o.warmupSeconds());
      }
      for (int round = 0; round < o.rounds(); round++) {
        Side first = round % 2 == 0 ? store : raw;
        Side second = round % 2 == 0 ? raw : store;
        for (Side side : List.of(first, second)) {
          BlockResult block = runBlock(side, o, zipf, round, o.seconds());
          report.add(side == store, block);
          log(block.summary());
        }
      }
      EnumMap<Op, Double> storeTimed = new EnumMap<>(Op.class);
      for (Op op : Op.values()) {
        storeTimed.put(op, store.timedMeanMillis(op));
      }
      report.finish(loadAverage(), store.notes(), raw.notes(), storeTimed);
      return report;
    } finally {
      registry.close();
    }
  }

  /** One block: {@code threads} workers for {@code seconds}, all on one side. */
  static BlockResult runBlock(Side side, Options o, Zipf zipf, int round, int seconds) {
    int threads = o.threads();
    Recorder[] recorders = new Recorder[threads];
    ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> workers = new ArrayList<>();
    side.beginBlock(round >= 0);
    long start = System.nanoTime();
    long deadline = start + seconds * 1_000_000_000L;
    // Paced: each thread sends one request every `interval` ns (0: as fast as it can).
    long interval = o.rate() == 0 ? 0 : Math.max(1, threads * 1_000_000_000L / o.rate());
    for (int t = 0; t < threads; t++) {
      Recorder rec = new Recorder();
      recorders[t] = rec;
      // The same seed for thread t of round r on both sides: the same sequence of requests.
      SplittableRandom rnd = new SplittableRandom(o.seed() * 1_000_003L + round * 1_009L + t);
      Thread w =
          new Thread(
              () -> work(side, zipf, rnd, start, deadline, interval, stop, rec, unexpected),
              side.name() + "-" + t);
      workers.add(w);
      w.start();
    }
    for (Thread w : workers) {
      try {
        w.join();
      } catch (InterruptedException e) {
        stop.set(true);
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the " + side.name() + " block ran", e);
      }
    }
    long elapsed = System.nanoTime() - start;
    side.endBlock(round >= 0);
    return BlockResult.of(side.name(), round, elapsed, recorders, List.copyOf(unexpected));
  }

  private static void work(
      Side side,
      Zipf zipf,
      SplittableRandom rnd,
      long start,
      long deadline,
      long interval,
      AtomicBoolean stop,
      Recorder rec,
      ConcurrentLinkedQueue<String> unexpected) {
    // Threads start spread over one interval, so paced requests do not arrive in bursts.
    long next = start + (interval == 0 ? 0 : rnd.nextLong(interval));
    while (!stop.get() && System.nanoTime() < deadline) {
      if (interval > 0) {
        long now = System.nanoTime();
        if (next > now) {
          LockSupport.parkNanos(next - now);
        } else if (now - next > 1_000_000_000L) {
          next = now; // more than a second behind: the side cannot keep the rate; do not burst
        }
        next += interval;
        if (System.nanoTime() >= deadline) {
          break;
        }
      }
      String key = key(zipf.sample(rnd));
      int dice = rnd.nextInt(100);
      Op op = Op.of(dice);
      // Drawn whatever the operation, so both sides keep the same sequence.
      String text = sentence(rnd);
      long begin = System.nanoTime();
      try {
        switch (op) {
          case GET -> {
            if (side.get(key)) {
              rec.hits++;
            }
          }
          case PUT -> side.put(key, text, Map.of("source", "load", "n", Integer.toString(dice)));
          case SEARCH -> side.search(text, SEARCH_K);
          case DELETE -> side.delete(key);
        }
        rec.record(op, System.nanoTime() - begin);
      } catch (RuntimeException e) {
        if (isChromaHnswRace(e)) {
          rec.chromaRaces++;
        } else {
          rec.errors++;
          if (unexpected.size() < 5) {
            unexpected.add(op.label() + " " + key + ": " + describe(e));
          }
        }
      }
    }
  }

  /**
   * Chroma 1.0.x sometimes answers a query with HTTP 500 "Error creating hnsw segment reader:
   * Nothing found on disk" while it compacts a collection being written (chroma-core/chroma issue
   * 4212); LoadIT counts it the same way. Either side can meet it.
   */
  static boolean isChromaHnswRace(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && m.contains("Error creating hnsw segment reader")) {
        return true;
      }
    }
    return false;
  }

  private static String describe(Throwable e) {
    StringBuilder b = new StringBuilder(e.toString());
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      b.append(" <- ").append(c);
    }
    return b.toString();
  }

  static String key(int rank) {
    return "load:" + rank;
  }

  static String sentence(SplittableRandom rnd) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      b.append(WORDS[rnd.nextInt(WORDS.length)]).append(' ');
    }
    return b.append(rnd.nextInt(1_000_000)).toString();
  }

  static void log(String line) {
    System.out.println("[load-vs-raw] " + line);
    System.out.flush();
  }

  private static double secs(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return String.join(" ", Arrays.asList(parts).subList(0, Math.min(3, parts.length)));
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  /**
   * Key ranks drawn from a Zipf distribution: rank {@code i} (0-based) has weight {@code 1 / (i +
   * 1)^s}. Sampling is a binary search over the cumulative weights.
   */
  static final class Zipf {
    private final double[] cumulative;

    Zipf(int n, double s) {
      if (n < 1) {
        throw new IllegalArgumentException("keys must be at least 1, was " + n);
      }
      if (!(s >= 0) || Double.isInfinite(s)) {
        throw new IllegalArgumentException("zipf exponent must be finite and >= 0, was " + s);
      }
      cumulative = new double[n];
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += 1.0 / Math.pow(i + 1, s);
        cumulative[i] = sum;
      }
      for (int i = 0; i < n; i++) {
        cumulative[i] /= sum;
      }
      cumulative[n - 1] = 1.0;
    }

    int sample(SplittableRandom rnd) {
      double u = rnd.nextDouble();
      int i = Arrays.binarySearch(cumulative, u);
      int rank = i >= 0 ? i + 1 : -i - 1;
      return Math.min(rank, cumulative.length - 1);
    }

    /** The share of draws that land on the {@code top} most popular keys. */
    double share(int top) {
      return cumulative[Math.min(top, cumulative.length) - 1];
    }
  }

  /** One worker's latencies (nanoseconds) per operation, and its counts. */
  static final class Recorder {
    final EnumMap<Op, long[]> latencies = new EnumMap<>(Op.class);
    final EnumMap<Op, Integer> sizes = new EnumMap<>(Op.class);
    long hits;
    long errors;
    long chromaRaces;

    Recorder() {
      for (Op op : Op.values()) {
        latencies.put(op, new long[1024]);
        sizes.put(op, 0);
      }
    }

    void record(Op op, long nanos) {
      long[] a = latencies.get(op);
      int n = sizes.get(op);
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
        latencies.put(op, a);
      }
      a[n] = nanos;
      sizes.put(op, n + 1);
    }

    long[] take(Op op) {
      return Arrays.copyOf(latencies.get(op), sizes.get(op));
    }
  }

  /**
   * The command line: {@code --name value} or {@code --name=value}. {@code rate} is the total
   * requests per second the threads are paced at, or 0 for a closed loop (each thread sends its
   * next request as soon as the last one returned).
   */
  record Options(
      int threads,
      int rounds,
      int seconds,
      int warmupSeconds,
      int keys,
      long seed,
      double zipf,
      String policy,
      int rate,
      Path out) {
    static final String USAGE =
        "usage: LoadVsRaw [--threads 8] [--rounds 4] [--seconds 20] [--warmup 10] [--keys 1000]"
            + " [--seed 42] [--zipf 0.99] [--policy moving|steady] [--rate 0 (closed loop)]"
            + " [--out target/load-vs-raw.md]";

    /** The store policies {@code --policy} accepts (see {@link StoreSide#policy}). */
    static final Set<String> POLICIES = Set.of("moving", "steady");

    static Options defaults() {
      return new Options(
          8, 4, 20, 10, 1_000, 42, 0.99, "moving", 0, Path.of("target", "load-vs-raw.md"));
    }

    static Options parse(String[] args) {
      Options d = defaults();
      int threads = d.threads();
      int rounds = d.rounds();
      int seconds = d.seconds();
      int warmup = d.warmupSeconds();
      int keys = d.keys();
      long seed = d.seed();
      double zipf = d.zipf();
      String policy = d.policy();
      int rate = d.rate();
      Path out = d.out();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("-h") || arg.equals("--help")) {
          throw new IllegalArgumentException("help requested");
        }
        if (!arg.startsWith("--")) {
          throw new IllegalArgumentException("unexpected argument '" + arg + "'");
        }
        String name;
        String value;
        int eq = arg.indexOf('=');
        if (eq > 0) {
          name = arg.substring(2, eq);
          value = arg.substring(eq + 1);
        } else {
          name = arg.substring(2);
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("--" + name + " needs a value");
          }
          value = args[++i];
        }
        switch (name) {
          case "threads" -> threads = positive(name, value, 1, 256);
          case "rounds" -> rounds = positive(name, value, 1, 1_000);
          case "seconds" -> seconds = positive(name, value, 1, 3_600);
          case "warmup" -> warmup = positive(name, value, 0, 3_600);
          case "keys" -> keys = positive(name, value, 1, 1_000_000);
          case "seed" -> seed = longValue(name, value);
          case "zipf" -> zipf = exponent(name, value);
          case "rate" -> rate = positive(name, value, 0, 1_000_000);
          case "out" -> out = Path.of(value);
          case "policy" -> {
            if (!POLICIES.contains(value)) {
              throw new IllegalArgumentException(
                  "--policy must be one of " + new TreeSet<>(POLICIES) + ", was '" + value + "'");
            }
            policy = value;
          }
          default -> throw new IllegalArgumentException("unknown option --" + name);
        }
      }
      return new Options(threads, rounds, seconds, warmup, keys, seed, zipf, policy, rate, out);
    }

    private static int positive(String name, String value, int min, int max) {
      int v;
      try {
        v = Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--" + name + " must be an integer, was '" + value + "'", e);
      }
      if (v < min || v > max) {
        throw new IllegalArgumentException(
            "--" + name + " must be in [" + min + ", " + max + "], was " + v);
      }
      return v;
    }

    private static long longValue(String name, String value) {
      try {
        return Long.parseLong(value.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--" + name + " must be an integer, was '" + value + "'", e);
      }
    }

    private static double exponent(String name, String value) {
      double v;
      try {
        v = Double.parseDouble(value.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--" + name + " must be a number, was '" + value + "'", e);
      }
      if (!(v >= 0 && v <= 5)) {
        throw new IllegalArgumentException("--" + name + " must be in [0, 5], was " + value);
      }
      return v;
    }
  }
}
