package io.tieredmemory.bomtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.chroma.ChromaTierStore;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.SweepResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.metrics.TieredMemoryMetrics;
import io.tieredmemory.postgres.PostgresKeyCoordinator;
import io.tieredmemory.postgres.PostgresTierStore;
import io.tieredmemory.redis.RedisTierStore;
import io.tieredmemory.testkit.ManualClock;
import io.tieredmemory.testservers.RealServers;
import java.net.URI;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The README's store (Redis HOT through {@code RedisClient.create}, PostgreSQL WARM and the
 * coordinator on a HikariCP pool, Chroma COLD, Prometheus metrics) on the versions a Spring Boot
 * 4.0.7 build resolves with tiered-memory-bom imported first: each tier holds and returns data.
 */
class BootVersionsIT {

  @Test
  void everyTierWorksOnTheResolvedVersions() throws Exception {
    String id = "bom_" + Long.toHexString(System.nanoTime());
    String table = "tm_" + id.toLowerCase(Locale.ROOT);
    Embedder embedder = Embedder.hashing();
    ManualClock clock = new ManualClock();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(RealServers.postgresJdbcUrl());
    config.setUsername(RealServers.postgresUser());
    config.setPassword(RealServers.postgresPassword());
    config.setPoolName("bom-test");
    try (RedisClient jedis = RedisClient.create(RealServers.redisUrl());
        HikariDataSource pool = new HikariDataSource(config)) {
      try (TieredMemory memory =
          TieredMemory.builder("bomtest")
              // each put's HOT copy is made before put returns: the sweeps right after demote it
              .readMoves(ReadMoves.CALLER)
              .hot(RedisTierStore.builder(jedis).prefix("tm:" + id + ":").build())
              .warm(PostgresTierStore.builder(pool).table(table).embedder(embedder).build())
              .cold(
                  ChromaTierStore.builder(URI.create(RealServers.chromaUrl()), embedder)
                      .collection("tm-" + id)
                      .build())
              .coordinator(PostgresKeyCoordinator.builder(pool).namespace(id).build())
              .embedder(embedder)
              .clock(clock)
              .disableScheduledSweeps()
              .discoverObservers(false)
              .observer(TieredMemoryMetrics.of(registry))
              .build()) {
        // default policy: demote after 30 minutes idle in HOT, archive after 7 days idle in WARM
        memory.put("old-1", "the user prefers green tea");
        memory.put("old-2", "the user lives in Lisbon");
        clock.advance(Duration.ofMinutes(31));
        assertThat(memory.sweep()).extracting(SweepResult::demoted).isEqualTo(2);
        clock.advance(Duration.ofDays(8));
        assertThat(memory.sweep()).extracting(SweepResult::archived).isEqualTo(2);
        memory.put("warm", "the user writes Java");
        clock.advance(Duration.ofMinutes(31));
        assertThat(memory.sweep()).extracting(SweepResult::demoted).isEqualTo(1);
        memory.put("hot", "the user asked about tiered memory");

        assertThat(memory.tier(Tier.HOT).count()).isEqualTo(1);
        // WARM holds every memory not archived ("warm", and "hot" of which HOT holds a copy)
        assertThat(memory.tier(Tier.WARM).count()).isEqualTo(2);
        assertThat(memory.tier(Tier.COLD).count()).isEqualTo(2);
        assertThat(memory.search("green tea", 3)).isNotEmpty();
        assertThat(memory.get("hot"))
            .hasValueSatisfying(m -> assertThat(m.content()).contains("tiered"));
        assertThat(memory.get("warm"))
            .hasValueSatisfying(m -> assertThat(m.content()).contains("Java"));
        assertThat(memory.get("old-1"))
            .hasValueSatisfying(m -> assertThat(m.content()).contains("tea"));
        assertThat(registry.scrape()).contains("tiered_memory_");
      } finally {
        try (Connection c = pool.getConnection();
            Statement s = c.createStatement()) {
          s.execute("DROP TABLE IF EXISTS " + table);
        }
      }
    }
  }
}
