package io.tieredmemory.springai;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.chroma.ChromaTierStore;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.postgres.PostgresTierStore;
import io.tieredmemory.redis.RedisTierStore;
import io.tieredmemory.testservers.RealServers;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import redis.clients.jedis.RedisClient;

/**
 * Real Redis (HOT), PostgreSQL (WARM, searchable with the embedder) and Chroma (COLD) for the ITs,
 * each store under names of its own (Redis prefix, table, collection); closing drops the tables.
 */
final class RealTiers implements AutoCloseable {

  private final RedisClient redis;
  private final HikariDataSource pool;
  private final List<String> tables = new ArrayList<>();
  private final String idPrefix;

  /** Connections named {@code poolName}; stores' names start with {@code idPrefix}. */
  RealTiers(String poolName, String idPrefix) {
    this.idPrefix = idPrefix;
    redis = RedisClient.create(RealServers.redisUrl());
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(RealServers.postgresJdbcUrl());
    config.setUsername(RealServers.postgresUser());
    config.setPassword(RealServers.postgresPassword());
    config.setMaximumPoolSize(16);
    config.setPoolName(poolName);
    pool = new HikariDataSource(config);
  }

  HikariDataSource pool() {
    return pool;
  }

  /** The table of the data named {@code id}, dropped on close. */
  String table(String id) {
    String table = "tm_" + id.toLowerCase(Locale.ROOT);
    if (!tables.contains(table)) {
      tables.add(table);
    }
    return table;
  }

  /** A store on the three servers, under names of its own. */
  TieredMemory.Builder tiers(String name, Embedder embedder) {
    return tiers(name, idPrefix + name + "_" + Long.toHexString(System.nanoTime()), embedder);
  }

  /** A store on the servers' data named {@code id}: two calls with one id share the data. */
  TieredMemory.Builder tiers(String name, String id, Embedder embedder) {
    return TieredMemory.builder(name)
        .discoverObservers(false)
        .embedder(embedder)
        .hot(
            RedisTierStore.builder(redis)
                .prefix("tm:" + id + ":")
                .accessFlushInterval(Duration.ofMillis(200))
                .build())
        .warm(
            PostgresTierStore.builder(pool)
                .table(table(id))
                .embedder(embedder)
                .accessFlushInterval(Duration.ofMillis(200))
                .build())
        .cold(
            ChromaTierStore.builder(URI.create(RealServers.chromaUrl()), embedder)
                .collection("tm-" + id.replace('_', '-'))
                .accessFlushInterval(Duration.ofMillis(200))
                .build());
  }

  @Override
  public void close() throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      for (String table : tables) {
        s.execute("DROP TABLE IF EXISTS " + table);
      }
    } finally {
      pool.close();
      redis.close();
    }
  }
}
