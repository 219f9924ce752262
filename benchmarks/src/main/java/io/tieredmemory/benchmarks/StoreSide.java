package io.tieredmemory.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
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
  private final List<SweepResult> sweeps = new ArrayList<>();
  private final List<RuntimeException> sweepErrors = new ArrayList<>();
  private volatile boolean sweeping;
  private Thread sweeper = new Thread(() -> {});

  StoreSide(String run, int threads, Embedder embedder, PrometheusMeterRegistry registry) {
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
            .policy(
                TieringPolicy.custom()
                    .promoteAfter(2, Duration.ofMinutes(1))
                    .demoteWhenIdle(Duration.ofSeconds(2))
                    .hotCapacity(300)
                    .archiveWhenIdle(Duration.ofSeconds(4))
                    .sweepBatchSize(100)
                    .build())
            // Swept by this class, every second while its block runs (not during raw's blocks).
            .disableScheduledSweeps()
            .observer(io.tieredmemory.metrics.TieredMemoryMetrics.of(registry, Tags.empty()))
            .discoverObservers(false)
            .build();
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
  public void beginBlock() {
    sweeping = true;
    sweeper =
        new Thread(
            () -> {
              while (sweeping) {
                try {
                  Thread.sleep(1_000);
                } catch (InterruptedException e) {
                  return;
                }
                if (!sweeping) {
                  return;
                }
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
            },
            "store-sweeper");
    sweeper.start();
  }

  @Override
  public void endBlock() {
    sweeping = false;
    sweeper.interrupt();
    try {
      sweeper.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
      return String.format(
          Locale.ROOT,
          "%d sweeps (mean %.1f ms, demoted %d, archived %d, failed steps %d, sweeps that threw"
              + " %d); movements (warm-up included) %s.",
          sweeps.size(),
          meanMs,
          sweeps.stream().mapToInt(SweepResult::demoted).sum(),
          sweeps.stream().mapToInt(SweepResult::archived).sum(),
          sweeps.stream().mapToInt(SweepResult::failed).sum(),
          sweepErrors.size(),
          moves);
    }
  }

  @Override
  public void close() {
    endBlock();
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

    /** Drops every table whose name starts with {@code base} (the store's side tables too). */
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
      } catch (SQLException e) {
        LoadVsRaw.log("could not drop the tables of " + base + ": " + e.getMessage());
      }
    }
  }
}
