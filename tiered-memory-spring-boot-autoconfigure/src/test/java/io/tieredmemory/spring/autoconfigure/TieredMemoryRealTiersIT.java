package io.tieredmemory.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.SearchHit;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.testservers.RealServers;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import redis.clients.jedis.RedisClient;

/**
 * Each tier switched to its real server by properties alone: HOT on Redis through Spring Boot's own
 * {@code spring.data.redis.*} settings, WARM on PostgreSQL through the application's {@code
 * DataSource}, COLD on Chroma; and two named stores kept apart on the same servers.
 */
class TieredMemoryRealTiersIT {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(TieredMemoryAutoConfiguration.class))
          .withUserConfiguration(AppDataSource.class);

  @Test
  void everyTierOnItsServerByPropertiesAlone() {
    URI redis = URI.create(RealServers.redisUrl());
    String name = "boot-" + UUID.randomUUID().toString().substring(0, 8);
    runner
        .withPropertyValues(
            "tiered-memory.name=" + name,
            "tiered-memory.promote-after-reads=1",
            // the test looks in Redis right after the read that promotes
            "tiered-memory.read-moves=caller",
            "tiered-memory.demote-when-idle=1ms",
            "tiered-memory.archive-when-idle=1ms",
            "tiered-memory.sweep-every=1h",
            "tiered-memory.hot.backend=redis",
            "spring.data.redis.host=" + redis.getHost(),
            "spring.data.redis.port=" + redis.getPort(),
            "tiered-memory.warm.backend=postgres",
            "tiered-memory.warm.postgres.table=boot_it_" + name.substring(5),
            "tiered-memory.cold.backend=chroma",
            "tiered-memory.cold.chroma.url=" + RealServers.chromaUrl())
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              TieredMemory store = ctx.getBean(TieredMemory.class);
              assertThat(store.tier(Tier.HOT).kind()).isEqualTo("redis");
              assertThat(store.tier(Tier.WARM).kind()).isEqualTo("postgres");
              assertThat(store.tier(Tier.COLD).kind()).isEqualTo("chroma");

              // WARM is searched too (by default), with the store's embedder
              assertThat(store.tier(Tier.WARM).searchable()).isTrue();
              store.put("user:1:lang", "prefers French", Map.of("source", "chat"));
              assertThat(store.search("prefers French", 1))
                  .singleElement()
                  .satisfies(h -> assertThat(h.tier()).isEqualTo(Tier.WARM));
              // WARM is the application's database: the row is there
              assertThat(rows(ctx.getBean(DataSource.class), "boot_it_" + name.substring(5)))
                  .isEqualTo(1);
              // one read promotes it (promote-after-reads=1): the copy is in Redis, under the
              // store's prefix
              assertThat(store.get("user:1:lang")).map(Memory::content).contains("prefers French");
              try (RedisClient client = RedisClient.create(redis)) {
                assertThat(client.keys("tm:" + name + ":*")).isNotEmpty();
              }
              assertThat(store.tier(Tier.HOT).count()).isEqualTo(1);
              // idle for 1 ms: sweeps demote it, then archive it to Chroma
              long deadline = System.nanoTime() + 20_000_000_000L;
              while (store.tier(Tier.COLD).count() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
                store.sweep();
              }
              assertThat(store.tier(Tier.COLD).count()).isEqualTo(1);
              assertThat(store.tier(Tier.HOT).count()).isZero();
              List<SearchHit> hits = store.search("French", 3);
              assertThat(hits).extracting(h -> h.memory().key()).contains("user:1:lang");
              assertThat(hits.get(0).tier()).isEqualTo(Tier.COLD);
            });
  }

  @Test
  void namedStoresOnTheSameServersAreKeptApart() {
    URI redis = URI.create(RealServers.redisUrl());
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    runner
        .withUserConfiguration(UsesBoth.class)
        .withPropertyValues(
            "tiered-memory.hot.backend=redis",
            "tiered-memory.hot.redis.url=" + redis,
            "tiered-memory.warm.backend=postgres",
            "tiered-memory.stores.a" + suffix + ".hot-capacity=10",
            "tiered-memory.stores.b" + suffix + ".hot-capacity=20")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              UsesBoth both = ctx.getBeansOfType(UsesBoth.class).values().iterator().next();
              assertThat(both.a.tier(Tier.WARM).kind()).isEqualTo("postgres");
              both.a.put("k", "from a", Map.of());
              both.b.put("k", "from b", Map.of());
              assertThat(both.a.get("k")).map(Memory::content).contains("from a");
              assertThat(both.b.get("k")).map(Memory::content).contains("from b");
              DataSource ds = ctx.getBean(DataSource.class);
              assertThat(rows(ds, "tiered_memory_a" + suffix)).isEqualTo(1);
              assertThat(rows(ds, "tiered_memory_b" + suffix)).isEqualTo(1);
            });
  }

  private static int rows(DataSource ds, String table) throws Exception {
    try (Connection c = ds.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + table);
        ResultSet r = s.executeQuery()) {
      r.next();
      return r.getInt(1);
    }
  }

  /** The application's own pool, as spring.datasource.* would give it. */
  @Configuration(proxyBeanMethods = false)
  static class AppDataSource {
    @Bean(destroyMethod = "close")
    HikariDataSource dataSource() {
      HikariDataSource ds = new HikariDataSource();
      ds.setJdbcUrl(RealServers.postgresJdbcUrl());
      ds.setUsername(RealServers.postgresUser());
      ds.setPassword(RealServers.postgresPassword());
      ds.setMaximumPoolSize(8);
      return ds;
    }
  }

  /** Injects two named stores whose names only the test knows: by their bean names' order. */
  static class UsesBoth {
    final TieredMemory a;
    final TieredMemory b;

    UsesBoth(List<TieredMemory> stores) {
      List<TieredMemory> sorted =
          stores.stream().sorted(java.util.Comparator.comparing(TieredMemory::name)).toList();
      this.a = sorted.get(0);
      this.b = sorted.get(1);
    }
  }
}
