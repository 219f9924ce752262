package io.tieredmemory.it;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.chroma.ChromaTierStore;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.KeyCoordinator;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.postgres.PostgresKeyCoordinator;
import io.tieredmemory.postgres.PostgresTierStore;
import io.tieredmemory.redis.RedisTierStore;
import io.tieredmemory.testservers.RealServers;
import java.net.URI;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import redis.clients.jedis.RedisClient;

/**
 * The three real servers for one test: a Redis connection, a PostgreSQL pool and the Chroma URL,
 * with names unique to the test (Redis prefix, table, collection) so tests never see each other's
 * data. Each call to {@link #hot()}, {@link #warm()}, {@link #cold()} makes a new backend over the
 * same data, as a second service instance would.
 */
final class RealTiers implements AutoCloseable {
  final String id;
  final RedisClient jedis;
  final HikariDataSource pool;
  final URI chroma;
  final Embedder embedder = Embedder.hashing();

  RealTiers(String name) {
    this.id = name + "_" + Long.toHexString(System.nanoTime());
    this.jedis = RedisClient.create(RealServers.redisUrl());
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(RealServers.postgresJdbcUrl());
    config.setUsername(RealServers.postgresUser());
    config.setPassword(RealServers.postgresPassword());
    config.setMaximumPoolSize(16);
    config.setPoolName("it-" + name);
    this.pool = new HikariDataSource(config);
    this.chroma = URI.create(RealServers.chromaUrl());
  }

  TierStore hot() {
    return RedisTierStore.builder(jedis)
        .prefix("tm:" + id + ":")
        .accessFlushInterval(Duration.ofMillis(200))
        .build();
  }

  TierStore warm() {
    return PostgresTierStore.builder(pool)
        .table("tm_" + id.toLowerCase(java.util.Locale.ROOT))
        .embedder(embedder)
        .accessFlushInterval(Duration.ofMillis(200))
        .build();
  }

  TierStore cold() {
    return ChromaTierStore.builder(chroma, embedder)
        .collection("tm-" + id)
        .accessFlushInterval(Duration.ofMillis(200))
        .build();
  }

  KeyCoordinator coordinator() {
    return PostgresKeyCoordinator.builder(pool)
        .namespace(id)
        .lockTimeout(Duration.ofSeconds(20))
        .build();
  }

  @Override
  public void close() throws Exception {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS tm_" + id.toLowerCase(java.util.Locale.ROOT));
    } finally {
      pool.close();
      jedis.close();
    }
  }
}
