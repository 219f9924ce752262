package io.tieredmemory.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.chroma.ChromaTierStore;
import io.tieredmemory.core.MemoryWrite;
import io.tieredmemory.core.SweepResult;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.postgres.PostgresTierStore;
import io.tieredmemory.redis.RedisTierStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.RedisClient;

/**
 * {@link LoadVsRaw}'s store side: a {@code TieredMemory} on the real Redis, PostgreSQL and Chroma,
 * as LoadIT configures it, with metrics bound to a Prometheus registry, swept every second while
 * its block runs. Its Redis prefix, table and collection are unique to the run and removed on
 * close.
 */
final class StoreSide implements LoadVsRaw.Side {
  private final String run;
  private final RedisClient jedis;
  private final HikariDataSource pool;
  private final PrometheusMeterRegistry registry;
  private final TieredMemory store;
  private final PutPhases putPhases = new PutPhases();
  private final List<SweepResult> sweeps = new ArrayList<>();
  private final List<RuntimeException> sweepErrors = new ArrayList<>();
  private final java.util.EnumMap<LoadVsRaw.Op, double[]> timed =
      new java.util.EnumMap<>(LoadVsRaw.Op.class);
  private CountDownLatch stopSweeps = new CountDownLatch(0);
  private Thread sweeper = new Thread(() -> {});

  StoreSide(
      String run, int threads, String policy, Embedder embedder, PrometheusMeterRegistry registry) {
    this.run = run;
    this.registry = registry;
    this.jedis = Servers.redis();
    this.pool = Servers.postgres("load-vs-raw-store", threads);
    this.store =
        TieredMemory.builder("load-vs-raw")
            .hot(RedisTierStore.builder(jedis).prefix(prefix()).build())
            .warm(PostgresTierStore.builder(pool).table(table()).embedder(embedder).build())
            .cold(
                ChromaTierStore.builder(Servers.chroma(), embedder)
                    .collection(collection())
                    .build())
            .embedder(embedder)
            .policy(policy(policy))
            // Swept by this class, every second while its block runs (not during raw's blocks).
            .disableScheduledSweeps()
            .observer(io.tieredmemory.metrics.TieredMemoryMetrics.of(registry, Tags.empty()))
            .observer(putPhases)
            .discoverObservers(false)
            .build();
  }

  /**
   * {@code moving}: LoadIT's policy, which keeps memories moving all along (promote after 2 reads
   * in a minute, demote after 2 s idle or past 300 in HOT, archive after 4 s idle, batches of 100).
   * {@code steady}: the same HOT capacity and promotion, but idle times longer than a run (demote
   * after 60 s, archive after a day): HOT is trimmed to 300 by each sweep, nothing is archived, as
   * in a store whose idle times are minutes to days.
   */
  static TieringPolicy policy(String name) {
    TieringPolicy.Builder b =
        TieringPolicy.custom()
            .promoteAfter(2, Duration.ofMinutes(1))
            .hotCapacity(300)
            .sweepBatchSize(100);
    return switch (name) {
      case "moving" ->
          b.demoteWhenIdle(Duration.ofSeconds(2)).archiveWhenIdle(Duration.ofSeconds(4)).build();
      case "steady" ->
          b.demoteWhenIdle(Duration.ofSeconds(60)).archiveWhenIdle(Duration.ofDays(1)).build();
      default ->
          throw new IllegalArgumentException(
              "policy must be 'moving' or 'steady', was '" + name + "'");
    };
  }

  String prefix() {
    return "tm:lvr-store-" + run + ":";
  }

  String table() {
    return "lvr_store_" + run;
  }

  String collection() {
    return "lvr-store-" + run;
  }

  @Override
  public String name() {
    return "store";
  }

  @Override
  public void seed(List<String> keys, List<String> contents) {
    List<MemoryWrite> writes = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      writes.add(new MemoryWrite(keys.get(i), contents.get(i), Map.of("source", "seed")));
      if (writes.size() == 100 || i == keys.size() - 1) {
        store.putAll(writes);
        writes.clear();
      }
    }
  }

  @Override
  public boolean get(String key) {
    return store.get(key).isPresent();
  }

  @Override
  public void put(String key, String content, Map<String, String> metadata) {
    store.put(key, content, metadata);
  }

  @Override
  public void delete(String key) {
    store.delete(key);
  }

  @Override
  public int search(String text, int k) {
    return store.search(text, k).size();
  }

  @Override
  public void beginBlock(boolean measured) {
    snapshot(-1);
    CountDownLatch stop = new CountDownLatch(1);
    stopSweeps = stop;
    sweeper =
        new Thread(
            () -> {
              try {
                // A sweep in progress is never interrupted: the block's end waits for it.
                while (!stop.await(1, TimeUnit.SECONDS)) {
                  try {
                    SweepResult r = store.sweep();
                    synchronized (sweeps) {
                      sweeps.add(r);
                    }
                  } catch (RuntimeException e) {
                    synchronized (sweeps) {
                      sweepErrors.add(e);
                    }
                  }
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "store-sweeper");
    sweeper.start();
  }

  @Override
  public void endBlock(boolean measured) {
    stopSweeps.countDown();
    try {
      sweeper.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (measured) {
      snapshot(1);
    }
  }

  /**
   * At a block's start ({@code sign} -1) notes the count and total time of {@code
   * tiered.memory.request.duration} per operation; at a measured block's end ({@code sign} 1) adds
   * the block's share to {@link #timed}: the store's own timing, which ends before any move a read
   * causes.
   */
  private void snapshot(int sign) {
    for (LoadVsRaw.Op op : LoadVsRaw.Op.values()) {
      long count = 0;
      double nanos = 0;
      for (Timer t :
          registry.find("tiered.memory.request.duration").tag("operation", op.label()).timers()) {
        count += t.count();
        nanos += t.totalTime(TimeUnit.NANOSECONDS);
      }
      // [0] count and [1] nanoseconds of measured blocks; [2], [3] the same at the block's start.
      double[] acc = timed.computeIfAbsent(op, k -> new double[4]);
      if (sign < 0) {
        acc[2] = count;
        acc[3] = nanos;
      } else {
        acc[0] += count - acc[2];
        acc[1] += nanos - acc[3];
      }
    }
  }

  /** The store's own mean of an operation over the measured blocks, in ms; NaN if none. */
  double timedMeanMillis(LoadVsRaw.Op op) {
    double[] acc = timed.get(op);
    return acc == null || acc[0] <= 0 ? Double.NaN : acc[1] / acc[0] / 1e6;
  }

  @Override
  public String notes() {
    synchronized (sweeps) {
      double meanMs = sweeps.stream().mapToLong(s -> s.took().toNanos()).average().orElse(0) / 1e6;
      Map<String, Long> moves = new TreeMap<>();
      for (Counter c : registry.find("tiered.memory.movements").counters()) {
        if (c.count() > 0) {
          moves.put(
              c.getId().getTag("from")
                  + "->"
                  + c.getId().getTag("to")
                  + " "
                  + c.getId().getTag("reason"),
              (long) c.count());
        }
      }
      return backendTime()
          + putPhases.describe()
          + String.format(
              Locale.ROOT,
              "%d sweeps (mean %.1f ms, demoted %d, archived %d, failed steps %d, sweeps that threw"
                  + " %d); movements (warm-up included) %s; moves reads caused, not made"
                  + " (too many waiting): %d.",
              sweeps.size(),
              meanMs,
              sweeps.stream().mapToInt(SweepResult::demoted).sum(),
              sweeps.stream().mapToInt(SweepResult::archived).sum(),
              sweeps.stream().mapToInt(SweepResult::failed).sum(),
              sweepErrors.size(),
              moves,
              store.readMovesDropped());
    }
  }

  /**
   * Where the store's time went on the servers, from its own metrics ({@code
   * tiered.memory.backend.duration}, warm-up included): calls, total, mean and max per tier and
   * operation, by total time; and the get hits per serving tier.
   */
  /** Failed calls to {@code tier} of {@code operation} ({@code tiered.memory.backend.errors}). */
  private long errors(@Nullable String tier, @Nullable String operation) {
    Counter c =
        registry
            .find("tiered.memory.backend.errors")
            .tag("tier", String.valueOf(tier))
            .tag("operation", String.valueOf(operation))
            .counter();
    return c == null ? 0 : (long) c.count();
  }

  private String backendTime() {
    List<Timer> timers = new ArrayList<>(registry.find("tiered.memory.backend.duration").timers());
    timers.removeIf(t -> t.count() == 0);
    timers.sort(
        Comparator.comparingDouble((Timer t) -> t.totalTime(TimeUnit.MILLISECONDS)).reversed());
    StringBuilder b =
        new StringBuilder(
            "backend calls (warm-up included), by total time:\n\n| tier | operation | errors |"
                + " calls | total s | mean ms | max ms |\n|---|---|---|---|---|---|---|\n");
    for (Timer t : timers) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %d | %d | %.1f | %.2f | %.1f |%n",
              t.getId().getTag("tier"),
              t.getId().getTag("operation"),
              errors(t.getId().getTag("tier"), t.getId().getTag("operation")),
              t.count(),
              t.totalTime(TimeUnit.SECONDS),
              t.mean(TimeUnit.MILLISECONDS),
              t.max(TimeUnit.MILLISECONDS)));
    }
    Map<String, Long> served = new TreeMap<>();
    // Requests are function counters (summed per thread at each read), not plain counters.
    for (FunctionCounter c : registry.find("tiered.memory.requests").functionCounters()) {
      if (c.count() > 0) {
        served.merge(
            c.getId().getTag("operation")
                + " "
                + c.getId().getTag("result")
                + " "
                + c.getId().getTag("tier"),
            (long) c.count(),
            Long::sum);
      }
    }
    return b.append("\nRequests by operation, result and tier (warm-up included): ")
        .append(served)
        .append("\n\n")
        .toString();
  }

  @Override
  public void close() {
    endBlock(false);
    try {
      store.close();
      Cleanup.redisPrefix(jedis, prefix());
      Cleanup.tables(pool, table());
      new RawChroma(Servers.chroma()).deleteCollection(collection());
    } finally {
      pool.close();
      jedis.close();
    }
  }

  /** Removes what a run left on the servers. */
  static final class Cleanup {
    private Cleanup() {}

    static void redisPrefix(RedisClient jedis, String prefix) {
      redis.clients.jedis.params.ScanParams params =
          new redis.clients.jedis.params.ScanParams().match(prefix + "*").count(1_000);
      String cursor = "0";
      do {
        var page = jedis.scan(cursor, params);
        if (!page.getResult().isEmpty()) {
          jedis.del(page.getResult().toArray(new String[0]));
        }
        cursor = page.getCursor();
      } while (!cursor.equals("0"));
    }

    /**
     * Drops every table whose name starts with {@code base} (the store's side tables too) and the
     * store's schema rows for them. {@code base} is a name this class made (letters, digits, _).
     */
    static void tables(HikariDataSource pool, String base) {
      try (Connection c = pool.getConnection();
          Statement s = c.createStatement()) {
        List<String> names = new ArrayList<>();
        try (ResultSet rs =
            s.executeQuery(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                    + " AND starts_with(tablename, '"
                    + base
                    + "')")) {
          while (rs.next()) {
            names.add(rs.getString(1));
          }
        }
        for (String n : names) {
          s.execute("DROP TABLE IF EXISTS \"" + n.replace("\"", "\"\"") + "\" CASCADE");
        }
        // The store's schema bookkeeping would otherwise keep a row for a table that is gone.
        if (!names.isEmpty()) {
          try (ResultSet rs = s.executeQuery("SELECT to_regclass('tiered_memory_schema')")) {
            if (rs.next() && rs.getString(1) != null) {
              s.executeUpdate(
                  "DELETE FROM tiered_memory_schema WHERE starts_with(table_name, '" + base + "')");
            }
          }
        }
      } catch (SQLException e) {
        LoadVsRaw.log("could not drop the tables of " + base + ": " + e.getMessage());
      }
    }
  }
}
