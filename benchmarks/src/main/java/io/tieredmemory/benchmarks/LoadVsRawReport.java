package io.tieredmemory.benchmarks;

import io.tieredmemory.benchmarks.LoadVsRaw.Op;
import io.tieredmemory.benchmarks.LoadVsRaw.Options;
import io.tieredmemory.benchmarks.LoadVsRaw.Recorder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;

/** The results of {@link LoadVsRaw}: blocks, then the comparison as Markdown. */
final class LoadVsRawReport {
  private LoadVsRawReport() {}

  /** The targets: store throughput at least this share of raw. */
  static final double THROUGHPUT_TARGET = 0.8;

  /** The targets: each operation's p99 at most this multiple of raw. */
  static final double P99_TARGET = 1.5;

  /** One block of one side: sorted latencies (ns) per operation and the counts. */
  record BlockResult(
      String side,
      int round,
      long elapsedNanos,
      EnumMap<Op, long[]> sorted,
      long hits,
      long errors,
      long chromaRaces,
      List<String> unexpected) {

    static BlockResult of(
        String side, int round, long elapsedNanos, Recorder[] recorders, List<String> unexpected) {
      EnumMap<Op, long[]> sorted = new EnumMap<>(Op.class);
      long hits = 0;
      long errors = 0;
      long races = 0;
      for (Op op : Op.values()) {
        long[] all = new long[0];
        for (Recorder r : recorders) {
          long[] part = r.take(op);
          long[] merged = Arrays.copyOf(all, all.length + part.length);
          System.arraycopy(part, 0, merged, all.length, part.length);
          all = merged;
        }
        Arrays.sort(all);
        sorted.put(op, all);
      }
      for (Recorder r : recorders) {
        hits += r.hits;
        errors += r.errors;
        races += r.chromaRaces;
      }
      return new BlockResult(side, round, elapsedNanos, sorted, hits, errors, races, unexpected);
    }

    long requests() {
      long n = 0;
      for (long[] a : sorted.values()) {
        n += a.length;
      }
      return n;
    }

    double throughput() {
      return requests() / (elapsedNanos / 1e9);
    }

    String summary() {
      StringBuilder b =
          new StringBuilder(
              String.format(Locale.ROOT, "round %d %-5s %7.1f req/s", round, side, throughput()));
      for (Op op : Op.values()) {
        long[] a = sorted.get(op);
        b.append(
            String.format(
                Locale.ROOT,
                " | %s p50 %.2f p99 %.2f ms",
                op.label(),
                percentile(a, 0.50),
                percentile(a, 0.99)));
      }
      if (errors + chromaRaces > 0) {
        b.append(" | errors ").append(errors).append(", chroma races ").append(chromaRaces);
      }
      return b.toString();
    }
  }

  /** Milliseconds at quantile {@code q} of sorted nanoseconds (nearest rank); NaN if empty. */
  static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }

  /** Mean in milliseconds of nanoseconds; NaN if empty. */
  static double mean(long[] nanos) {
    return Arrays.stream(nanos).average().orElse(Double.NaN) / 1e6;
  }

  static double median(List<Double> values) {
    double[] a = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (a.length == 0) {
      return Double.NaN;
    }
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  /** All measured blocks of both sides and what the comparison concludes. */
  static final class Report {
    private final Options options;
    private final String loadBefore;
    private final List<BlockResult> store = new ArrayList<>();
    private final List<BlockResult> raw = new ArrayList<>();
    private String loadAfter = "?";
    private String storeNotes = "";
    private String rawNotes = "";
    private EnumMap<Op, Double> storeTimed = new EnumMap<>(Op.class);

    Report(Options options, String loadBefore) {
      this.options = options;
      this.loadBefore = loadBefore;
    }

    void add(boolean isStore, BlockResult block) {
      (isStore ? store : raw).add(block);
    }

    void finish(
        String loadAfter, String storeNotes, String rawNotes, EnumMap<Op, Double> storeTimed) {
      this.storeTimed = storeTimed;
      this.loadAfter = loadAfter;
      this.storeNotes = storeNotes;
      this.rawNotes = rawNotes;
    }

    List<BlockResult> store() {
      return store;
    }

    List<BlockResult> raw() {
      return raw;
    }

    long unexpectedErrors() {
      long n = 0;
      for (BlockResult b : store) {
        n += b.errors();
      }
      for (BlockResult b : raw) {
        n += b.errors();
      }
      return n;
    }

    /** Store requests per second over raw's, all measured blocks pooled. */
    double throughputRatio() {
      return pooledThroughput(store) / pooledThroughput(raw);
    }

    /** Store p99 over raw p99 of one operation, all measured blocks pooled. */
    double p99Ratio(Op op) {
      return percentile(pooled(store, op), 0.99) / percentile(pooled(raw, op), 0.99);
    }

    static double pooledThroughput(List<BlockResult> blocks) {
      long n = 0;
      long nanos = 0;
      for (BlockResult b : blocks) {
        n += b.requests();
        nanos += b.elapsedNanos();
      }
      return n / (nanos / 1e9);
    }

    static long[] pooled(List<BlockResult> blocks, Op op) {
      long[] all = new long[0];
      for (BlockResult b : blocks) {
        long[] part = b.sorted().get(op);
        long[] merged = Arrays.copyOf(all, all.length + part.length);
        System.arraycopy(part, 0, merged, all.length, part.length);
        all = merged;
      }
      Arrays.sort(all);
      return all;
    }

    String markdown() {
      StringBuilder b = new StringBuilder();
      b.append(
          String.format(
              Locale.ROOT,
              "## Whole store vs raw clients: %d threads, %d rounds of %d s per side (warm-up %d s),"
                  + " %d keys, Zipf %.2f, seed %d, store policy %s, %s%n%n",
              options.threads(),
              options.rounds(),
              options.seconds(),
              options.warmupSeconds(),
              options.keys(),
              options.zipf(),
              options.seed(),
              options.policy(),
              options.rate() == 0
                  ? "closed loop"
                  : "paced at " + options.rate() + " requests/s in all"));
      b.append("Load average before / after: ")
          .append(loadBefore)
          .append(" / ")
          .append(loadAfter)
          .append("\n\n");
      b.append(
          "| round | order | store req/s | raw req/s | store / raw |\n|---|---|---|---|---|\n");
      List<Double> roundRatios = new ArrayList<>();
      for (int i = 0; i < Math.min(store.size(), raw.size()); i++) {
        double ratio = store.get(i).throughput() / raw.get(i).throughput();
        roundRatios.add(ratio);
        b.append(
            String.format(
                Locale.ROOT,
                "| %d | %s | %.1f | %.1f | %.2f |%n",
                i,
                i % 2 == 0 ? "store, raw" : "raw, store",
                store.get(i).throughput(),
                raw.get(i).throughput(),
                ratio));
      }
      b.append(
          String.format(
              Locale.ROOT,
              "%nThroughput, all rounds: store %.1f req/s, raw %.1f req/s: **%.2fx** (median of"
                  + " rounds %.2fx; target >= %.1fx: %s)%n%n",
              pooledThroughput(store),
              pooledThroughput(raw),
              throughputRatio(),
              median(roundRatios),
              THROUGHPUT_TARGET,
              throughputRatio() >= THROUGHPUT_TARGET ? "met" : "missed"));
      b.append(
          "| operation | store requests | raw requests | store p50 ms | raw p50 ms | store p99 ms |"
              + " raw p99 ms | p50 ratio | p99 ratio | median of rounds, p99 ratio | p99 target"
              + " <= 1.5x |\n");
      b.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
      for (Op op : Op.values()) {
        long[] s = pooled(store, op);
        long[] r = pooled(raw, op);
        List<Double> perRound = new ArrayList<>();
        for (int i = 0; i < Math.min(store.size(), raw.size()); i++) {
          perRound.add(
              percentile(store.get(i).sorted().get(op), 0.99)
                  / percentile(raw.get(i).sorted().get(op), 0.99));
        }
        double p99 = p99Ratio(op);
        b.append(
            String.format(
                Locale.ROOT,
                "| %s | %d | %d | %.2f | %.2f | %.2f | %.2f | %.2f | **%.2f** | %.2f | %s |%n",
                op.label(),
                s.length,
                r.length,
                percentile(s, 0.50),
                percentile(r, 0.50),
                percentile(s, 0.99),
                percentile(r, 0.99),
                percentile(s, 0.50) / percentile(r, 0.50),
                p99,
                median(perRound),
                p99 <= P99_TARGET ? "met" : "missed"));
      }
      b.append(
          "\nMean ms per operation, store: as its caller saw it / as its own metrics timed it"
              + " (request.duration, which ends before the moves a read causes) / raw:");
      for (Op op : Op.values()) {
        b.append(
            String.format(
                Locale.ROOT,
                " %s %.2f / %.2f / %.2f;",
                op.label(),
                mean(pooled(store, op)),
                storeTimed.getOrDefault(op, Double.NaN),
                mean(pooled(raw, op))));
      }
      b.append("\n\n");
      b.append(
          String.format(
              Locale.ROOT,
              "Get hits: store %s, raw %s. Failed requests: store %d, raw %d; searches failed by"
                  + " Chroma's HNSW race (HTTP 500): store %d, raw %d.%n",
              hitRate(store),
              hitRate(raw),
              sum(store, BlockResult::errors),
              sum(raw, BlockResult::errors),
              sum(store, BlockResult::chromaRaces),
              sum(raw, BlockResult::chromaRaces)));
      for (List<BlockResult> side : List.of(store, raw)) {
        for (BlockResult block : side) {
          for (String e : block.unexpected()) {
            b.append("- ").append(block.side()).append(": ").append(e).append('\n');
          }
        }
      }
      if (!storeNotes.isEmpty()) {
        b.append("Store: ").append(storeNotes).append('\n');
      }
      if (!rawNotes.isEmpty()) {
        b.append("Raw: ").append(rawNotes).append('\n');
      }
      return b.toString();
    }

    private static String hitRate(List<BlockResult> blocks) {
      long hits = sum(blocks, BlockResult::hits);
      long gets = 0;
      for (BlockResult b : blocks) {
        gets += b.sorted().get(Op.GET).length;
      }
      return String.format(
          Locale.ROOT, "%.1f%%", gets == 0 ? Double.NaN : 100.0 * hits / (double) gets);
    }

    private static long sum(
        List<BlockResult> blocks, java.util.function.ToLongFunction<BlockResult> f) {
      long n = 0;
      for (BlockResult b : blocks) {
        n += f.applyAsLong(b);
      }
      return n;
    }
  }
}
