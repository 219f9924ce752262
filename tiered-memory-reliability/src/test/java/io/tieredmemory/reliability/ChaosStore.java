package io.tieredmemory.reliability;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.chroma.ChromaTierStore;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.ForwardingTierStore;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.postgres.PostgresKeyCoordinator;
import io.tieredmemory.postgres.PostgresTierStore;
import io.tieredmemory.redis.RedisTierStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * The store every process of the chaos test opens over the same Redis, PostgreSQL and Chroma: the
 * shared coordinator (PostgreSQL advisory locks), short client timeouts, and a policy that moves
 * memories between all tiers within a second.
 */
final class ChaosStore implements AutoCloseable {

  /** Where the servers are and the names of this run's key prefix, table and collection. */
  record Servers(int redisPort, String jdbcUrl, String pgUser, String pgPassword, URI chroma) {}

  static TieringPolicy policy() {
    return TieringPolicy.custom()
        .promoteAfter(2, Duration.ofSeconds(10))
        .demoteWhenIdle(Duration.ofMillis(100))
        .hotCapacity(4)
        .archiveWhenIdle(Duration.ofMillis(300))
        .rehydrate(true, false)
        .sweepBatchSize(4)
        .build();
  }

  final RedisClient jedis;
  final HikariDataSource pool;
  final TierStore hot;
  final PostgresTierStore warm;
  final ChromaTierStore cold;
  final TieredMemory store;

  /**
   * Opens the store of process {@code name}. While the file {@code armArchive} exists (if given),
   * each archive batch creates {@code inArchive} and stalls before its COLD copy, so that the test
   * can kill the process in the middle of a sweep's archive. {@code readMoves}: where the moves
   * reads cause are made.
   */
  ChaosStore(
      Servers s, String id, String name, Path armArchive, Path inArchive, ReadMoves readMoves) {
    ConnectionPoolConfig redisPool = new ConnectionPoolConfig();
    redisPool.setMaxTotal(16);
    redisPool.setMaxWait(Duration.ofSeconds(1));
    jedis =
        RedisClient.builder()
            .hostAndPort("127.0.0.1", s.redisPort())
            .clientConfig(
                DefaultJedisClientConfig.builder()
                    .socketTimeoutMillis(500)
                    .connectionTimeoutMillis(500)
                    .build())
            .poolConfig(redisPool)
            .build();
    HikariConfig pg = new HikariConfig();
    pg.setJdbcUrl(s.jdbcUrl() + "?connectTimeout=2&socketTimeout=5&loginTimeout=5");
    pg.setUsername(s.pgUser());
    pg.setPassword(s.pgPassword());
    pg.setMaximumPoolSize(12);
    pg.setConnectionTimeout(2_000);
    pg.setValidationTimeout(1_000);
    // A process started while PostgreSQL restarts, or on a loaded machine, retries at start.
    pg.setInitializationFailTimeout(20_000);
    pg.setPoolName("chaos-" + name);
    pool = new HikariDataSource(pg);
    Embedder embedder = Embedder.hashing();
    hot = RedisTierStore.builder(jedis).prefix("tm:chaos:" + id + ":").build();
    warm =
        PostgresTierStore.builder(pool)
            .table("tm_chaos_" + id.toLowerCase(Locale.ROOT))
            .embedder(embedder)
            .accessFlushInterval(Duration.ofMillis(200))
            .build();
    cold =
        ChromaTierStore.builder(s.chroma(), embedder)
            .collection("tm-chaos-" + id)
            .timeout(Duration.ofSeconds(3))
            .connectTimeout(Duration.ofSeconds(1))
            .build();
    TierStore archive =
        armArchive == null
            ? cold
            : new ForwardingTierStore(cold) {
              @Override
              protected <T> T forward(String method, Supplier<T> call) {
                if (method.equals("copyAllIn") && Files.exists(armArchive)) {
                  try {
                    Files.writeString(inArchive, name);
                    Thread.sleep(10_000); // killed here
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }
                return call.get();
              }
            };
    store =
        TieredMemory.builder("chaos")
            .hot(hot)
            .warm(warm)
            .cold(archive)
            .embedder(embedder)
            .coordinator(
                PostgresKeyCoordinator.builder(pool)
                    .namespace("chaos-" + id)
                    .lockTimeout(Duration.ofSeconds(5))
                    .build())
            .policy(policy())
            .readMoves(readMoves)
            .disableScheduledSweeps()
            .discoverObservers(false)
            .build();
  }

  @Override
  public void close() {
    try {
      store.close();
    } finally {
      pool.close();
      jedis.close();
    }
  }
}
