package io.tieredmemory.benchmarks;

import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.core.SweepResult;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.metrics.MetricsOptions;
import io.tieredmemory.metrics.TieredMemoryMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

/**
 * Rendering {@code /metrics}: {@code PrometheusMeterRegistry.scrape()} of a registry holding three
 * stores. Their tiers report as remote, so every meter a production store has is registered
 * (per-backend timers included), and a scripted workload has moved every request, movement,
 * eviction, sweep and search meter and the gauges. No baseline: the figure is the cost of one
 * scrape, to compare with the scrape interval. The setup prints the scrape's bytes and lines, and
 * its lines per metric family; {@code -Dscrape.dump=FILE} (with {@code -f 0}) writes the scrape to
 * a file, {@code -Dscrape.nativeHistograms=true} binds the stores with native histograms.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(2)
public class ScrapeBenchmark {
  static final int STORES = 3;

  private PrometheusMeterRegistry registry;
  private final List<TieredMemory> stores = new ArrayList<>();

  /** Three metered stores, each driven through every kind of request and movement. */
  @Setup(Level.Trial)
  public void setUp() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Embedder embedder = Embedder.hashing();
    MetricsOptions options =
        MetricsOptions.defaults()
            .withNativeHistograms(Boolean.getBoolean("scrape.nativeHistograms"));
    for (int s = 0; s < STORES; s++) {
      BenchClock clock = new BenchClock(BenchClock.ORIGIN);
      TieredMemory store =
          TieredMemory.builder("agent-" + s)
              .hot(new RemoteLike(InProcessTiers.hot()))
              .warm(new RemoteLike(InProcessTiers.warm(embedder)))
              .cold(new RemoteLike(InProcessTiers.cold(embedder)))
              .embedder(embedder)
              .clock(clock)
              .policy(TieringPolicy.custom().hotCapacity(100).rehydrate(true, true).build())
              .observer(TieredMemoryMetrics.of(registry, Tags.empty(), options))
              .disableScheduledSweeps()
              .discoverObservers(false)
              .build();
      stores.add(store);
      populate(store, clock);
    }
    String text = registry.scrape();
    System.out.printf(
        "[bench] scrape: %d bytes, %d lines, %d stores%n",
        text.getBytes(StandardCharsets.UTF_8).length, text.split("\n").length, STORES);
    linesPerFamily(text)
        .forEach((family, lines) -> System.out.printf("[bench]   %5d  %s%n", lines, family));
    String dump = System.getProperty("scrape.dump");
    if (dump != null) {
      try {
        Files.writeString(Path.of(dump), text);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Lines of a text-format scrape per metric family (a sample's name up to its labels, less a
   * histogram's {@code _bucket}, {@code _count} or {@code _sum}; {@code _max} is a family of its
   * own), largest first; comment lines count for the family they describe.
   */
  static Map<String, Integer> linesPerFamily(String text) {
    Map<String, Integer> counts = new HashMap<>();
    for (String line : text.split("\n")) {
      String name;
      if (line.startsWith("# ")) {
        String[] parts = line.split(" ", 4);
        name = parts.length > 2 ? parts[2] : line;
      } else {
        int end = line.indexOf('{');
        name = end < 0 ? line.substring(0, Math.max(0, line.indexOf(' '))) : line.substring(0, end);
        name = name.replaceFirst("_(bucket|count|sum)$", "");
      }
      counts.merge(name, 1, Integer::sum);
    }
    Map<String, Integer> sorted = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  private static void populate(TieredMemory store, BenchClock clock) {
    for (int i = 0; i < 300; i++) {
      store.put("memory:" + i, "the user likes topic " + (i % 17) + " and tool " + (i % 5));
    }
    for (int i = 0; i < 300; i++) {
      store.get("memory:" + i); // HOT hits
      store.get("absent:" + i); // misses
    }
    sweep(store); // HOT over capacity: demotions
    for (int r = 0; r < 3; r++) {
      store.get("memory:0"); // WARM reads, then a promotion
    }
    clock.advance(Duration.ofMinutes(31));
    sweep(store); // idle demotions
    clock.advance(Duration.ofDays(8));
    sweep(store); // archives
    store.get("memory:1"); // COLD hit: rehydrated and promoted
    store.put("memory:2", "rewritten after its archive"); // a stale COLD copy
    sweep(store); // drops it
    for (int i = 0; i < 20; i++) {
      store.search("which topic does the user like " + i, 5);
    }
    store.delete("memory:3");
  }

  private static void sweep(TieredMemory store) {
    SweepResult r = store.sweep();
    if (!r.succeeded()) {
      throw new IllegalStateException("populating sweep failed: " + r);
    }
  }

  /** Closes the stores and the registry. */
  @TearDown(Level.Trial)
  public void tearDown() {
    stores.forEach(TieredMemory::close);
    registry.close();
  }

  /** One scrape in the Prometheus text format. */
  @Benchmark
  public String scrape() {
    return registry.scrape();
  }
}
