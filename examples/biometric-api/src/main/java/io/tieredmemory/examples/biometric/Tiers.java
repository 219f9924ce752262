package io.tieredmemory.examples.biometric;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.chroma.ChromaTierStore;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.postgres.PostgresKeyCoordinator;
import io.tieredmemory.postgres.PostgresTierStore;
import io.tieredmemory.redis.RedisTierStore;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.UnaryOperator;
import redis.clients.jedis.RedisClient;

/**
 * The real tiers named by a {@link ServiceConfig} (Redis, PostgreSQL, Chroma), set on a store
 * builder, and the clients and pools behind them. A tier that is not configured stays in process.
 *
 * <p>The store closes the tier stores it was given; {@link #close()} then closes what they were
 * built on (the Redis client, the connection pools), which belong to the service.
 */
final class Tiers implements AutoCloseable {
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  private Tiers() {}

  /**
   * Connects to every configured server and sets its tier on {@code builder}; WARM (real or in
   * process) goes through {@code decorateWarm} first. On failure, closes whatever was opened and
   * rethrows.
   *
   * @param storeName the store's name, used as the namespace of PostgreSQL advisory locks
   */
  static Tiers configure(
      ServiceConfig config,
      String storeName,
      Embedder embedder,
      TieredMemory.Builder builder,
      UnaryOperator<TierStore> decorateWarm) {
    Tiers tiers = new Tiers();
    try {
      if (config.redisUrl().isPresent()) {
        RedisClient redis = RedisClient.create(URI.create(config.redisUrl().get()));
        tiers.resources.push(redis);
        builder.hot(RedisTierStore.builder(redis).prefix(config.redisPrefix()).build());
      }
      if (config.pgJdbcUrl().isPresent()) {
        HikariDataSource data = tiers.pool(config, "biometric-api-warm", 12);
        TierStore warm =
            PostgresTierStore.builder(data).table(config.pgTable()).embedder(embedder).build();
        builder.warm(decorateWarm.apply(warm));
        // A lease holds its connection while the move under it borrows another: separate pools,
        // so that leases can never take every connection the moves need.
        HikariDataSource locks = tiers.pool(config, "biometric-api-locks", 12);
        builder.coordinator(PostgresKeyCoordinator.builder(locks).namespace(storeName).build());
      } else {
        builder.warm(decorateWarm.apply(InProcessTiers.warm(embedder)));
      }
      if (config.chromaUrl().isPresent()) {
        builder.cold(
            ChromaTierStore.builder(URI.create(config.chromaUrl().get()), embedder)
                .collection(config.chromaCollection())
                .build());
      }
      return tiers;
    } catch (RuntimeException e) {
      tiers.close();
      throw e;
    }
  }

  private HikariDataSource pool(ServiceConfig config, String name, int size) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName(name);
    hikari.setJdbcUrl(config.pgJdbcUrl().get());
    config.pgUser().ifPresent(hikari::setUsername);
    config.pgPassword().ifPresent(hikari::setPassword);
    hikari.setMaximumPoolSize(size);
    hikari.setConnectionTimeout(10_000);
    HikariDataSource data = new HikariDataSource(hikari);
    resources.push(data);
    return data;
  }

  /** Closes the clients and pools, newest first; a failure to close one is not fatal. */
  @Override
  public void close() {
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        System.err.println("biometric-api: closing a tier client failed: " + e);
      }
    }
  }
}
