package io.tieredmemory.langchain4j;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.chroma.ChromaTierStore;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.postgres.PostgresTierStore;
import io.tieredmemory.redis.RedisTierStore;
import io.tieredmemory.testservers.RealServers;
import java.net.URI;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import redis.clients.jedis.RedisClient;

/**
 * The scenarios on Redis (HOT) + PostgreSQL (WARM) + Chroma (COLD), the servers {@code
 * ./scripts/test.sh} starts; each store gets a Redis prefix, a table and a collection of its own.
 */
class RealTiersChatMemoryStoreIT extends ChatMemoryStoreScenarios {
  private final List<AutoCloseable> opened = new ArrayList<>();
  private final List<String> tables = new ArrayList<>();
  private final Embedder embedder = Embedder.hashing();

  @Override
  TieredMemory.Builder tiers(String name) {
    String id = "lc4j_" + name.replace('-', '_') + "_" + Long.toHexString(System.nanoTime());
    RedisClient redis = RedisClient.create(RealServers.redisUrl());
    opened.add(redis);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(RealServers.postgresJdbcUrl());
    config.setUsername(RealServers.postgresUser());
    config.setPassword(RealServers.postgresPassword());
    config.setMaximumPoolSize(16);
    config.setPoolName("lc4j-" + name);
    HikariDataSource pool = new HikariDataSource(config);
    opened.add(pool);
    String table = "tm_" + id.toLowerCase(Locale.ROOT);
    tables.add(table);
    return TieredMemory.builder(name)
        .embedder(embedder)
        // each put's HOT copy is made before put returns: the scenarios count HOT right after
        .readMoves(ReadMoves.CALLER)
        .hot(
            RedisTierStore.builder(redis)
                .prefix("tm:" + id + ":")
                .accessFlushInterval(Duration.ofMillis(200))
                .build())
        .warm(
            PostgresTierStore.builder(pool)
                .table(table)
                .embedder(embedder)
                .accessFlushInterval(Duration.ofMillis(200))
                .build())
        .cold(
            ChromaTierStore.builder(URI.create(RealServers.chromaUrl()), embedder)
                .collection("tm-" + id.replace('_', '-'))
                .accessFlushInterval(Duration.ofMillis(200))
                .build());
  }

  @AfterEach
  void dropTablesAndClose() throws Exception {
    for (AutoCloseable c : opened) {
      if (c instanceof HikariDataSource pool) {
        try (Connection conn = pool.getConnection();
            Statement s = conn.createStatement()) {
          for (String table : tables) {
            s.execute("DROP TABLE IF EXISTS " + table);
          }
        }
      }
    }
    for (AutoCloseable c : opened) {
      c.close();
    }
    opened.clear();
    tables.clear();
  }
}
