package io.tieredmemory.langchain4j;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.chroma.ChromaTierStore;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.postgres.PostgresTierStore;
import io.tieredmemory.redis.RedisTierStore;
import io.tieredmemory.testservers.RealServers;
import java.net.URI;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.RedisClient;

/**
 * {@link RecallScenarios} on real Redis (HOT), PostgreSQL (WARM, searchable with MiniLM) and Chroma
 * (COLD), each store under names of its own.
 */
class RealTiersRecallIT extends RecallScenarios {
  private static RedisClient redis;
  private static HikariDataSource pool;
  private static final List<String> tables = new ArrayList<>();

  @BeforeAll
  static void connect() {
    redis = RedisClient.create(RealServers.redisUrl());
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(RealServers.postgresJdbcUrl());
    config.setUsername(RealServers.postgresUser());
    config.setPassword(RealServers.postgresPassword());
    config.setMaximumPoolSize(4);
    config.setPoolName("lc4j-recall-it");
    pool = new HikariDataSource(config);
  }

  @AfterAll
  static void disconnect() throws Exception {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      for (String table : tables) {
        s.execute("DROP TABLE IF EXISTS \"" + table + "\"");
        s.execute("DROP TABLE IF EXISTS \"" + table + "$journal\"");
        s.execute("DROP TABLE IF EXISTS \"" + table + "$embedder\"");
      }
    } finally {
      pool.close();
      redis.close();
    }
  }

  @Override
  TieredMemory.Builder tiers(String name) {
    String id = "lcrc_" + name.replace('-', '_') + "_" + Long.toHexString(System.nanoTime());
    String table = "tm_" + id.toLowerCase(Locale.ROOT);
    tables.add(table);
    return TieredMemory.builder(name)
        // each put's HOT copy is made before put returns: the scenarios sweep and read HOT right
        // after the writes
        .readMoves(ReadMoves.CALLER)
        .hot(RedisTierStore.builder(redis).prefix("tm:" + id + ":").build())
        .warm(PostgresTierStore.builder(pool).table(table).embedder(OneStore.EMBEDDER).build())
        .cold(
            ChromaTierStore.builder(URI.create(RealServers.chromaUrl()), OneStore.EMBEDDER)
                .collection("tm-" + id.replace('_', '-'))
                .build());
  }
}
