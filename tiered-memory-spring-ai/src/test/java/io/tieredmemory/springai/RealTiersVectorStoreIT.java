package io.tieredmemory.springai;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * {@link VectorStoreContract} on real Redis (HOT), PostgreSQL (WARM, searchable with MiniLM) and
 * Chroma (COLD), each store under names of its own (Redis prefix, table, collection).
 */
class RealTiersVectorStoreIT extends VectorStoreContract {

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
    config.setMaximumPoolSize(8);
    config.setPoolName("spring-ai-vector-it");
    pool = new HikariDataSource(config);
  }

  @AfterAll
  static void disconnect() throws Exception {
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

  /** A PostgreSQL WARM without an embedder cannot search: the store says so, and how. */
  @Test
  void aWarmTierThatCannotSearch_isRefused_sayingHow() {
    String table = "tm_saivs_plain_" + Long.toHexString(System.nanoTime());
    tables.add(table);
    try (TieredMemory memory =
        TieredMemory.builder("plain")
            .discoverObservers(false)
            .disableScheduledSweeps()
            .embedder(MODEL.embedder)
            .warm(PostgresTierStore.builder(pool).table(table).build())
            .build()) {
      assertThatThrownBy(() -> TieredVectorStore.builder(memory, MODEL).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("WARM of the memory store 'plain'")
          .hasMessageContaining("PostgresTierStore.builder(dataSource).embedder(embedder)");
    }
  }

  @Override
  TieredMemory.Builder tiers(String name) {
    String id = "saivs_" + name + "_" + Long.toHexString(System.nanoTime());
    String table = "tm_" + id.toLowerCase(Locale.ROOT);
    tables.add(table);
    Embedder embedder = MODEL.embedder;
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
}
