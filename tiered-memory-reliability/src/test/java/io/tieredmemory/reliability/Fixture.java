package io.tieredmemory.reliability;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.chroma.ChromaTierStore;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.metrics.DecisionFeed;
import io.tieredmemory.metrics.MetricsOptions;
import io.tieredmemory.metrics.TieredMemoryMetrics;
import io.tieredmemory.postgres.PostgresTierStore;
import io.tieredmemory.redis.RedisTierStore;
import io.tieredmemory.testkit.RecordingObserver;
import io.tieredmemory.testservers.LocalServers;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * One store on the three real tiers of a {@link LocalServers}, configured the way
 * docs/reliability.md tells users to: every client has a timeout.
 *
 * <ul>
 *   <li>Redis: Jedis socket and connect timeouts of {@link #REDIS_TIMEOUT}, and a pool that waits
 *       at most {@link #REDIS_POOL_WAIT} for a free connection (Jedis' default waits forever).
 *   <li>PostgreSQL: HikariCP {@code connectionTimeout} {@link #PG_CONNECTION_TIMEOUT}, {@code
 *       validationTimeout} 1 s; the JDBC URL sets {@code connectTimeout}, {@code socketTimeout}
 *       ({@link #PG_SOCKET_TIMEOUT}) and {@code loginTimeout}.
 *   <li>Chroma: the store's request {@code timeout} {@link #CHROMA_TIMEOUT} and {@code
 *       connectTimeout} 1 s.
 * </ul>
 *
 * Each fixture uses names of its own (Redis prefix, table, collection), and reports to a {@link
 * RecordingObserver} (hooks and events), a Prometheus registry of its own and a decision feed.
 */
final class Fixture implements AutoCloseable {
  static final Duration REDIS_TIMEOUT = Duration.ofMillis(500);
  static final Duration REDIS_POOL_WAIT = Duration.ofSeconds(1);
  static final Duration PG_CONNECTION_TIMEOUT = Duration.ofSeconds(2);
  static final Duration PG_SOCKET_TIMEOUT = Duration.ofSeconds(2);
  static final Duration CHROMA_TIMEOUT = Duration.ofSeconds(2);

  final LocalServers servers;
  final String id;
  final Embedder embedder = Embedder.hashing();
  final RedisClient jedis;
  final HikariDataSource pool;
  final RedisTierStore hot;
  final PostgresTierStore warm;
  final ChromaTierStore cold;
  final RecordingObserver rec = new RecordingObserver();
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final DecisionFeed feed;

  /** When the COLD store (and its flusher's schedule) started. */
  final long coldCreatedNanos;

  TieredMemory store;

  Fixture(LocalServers servers, String name) {
    this(servers, name, Duration.ofMillis(200));
  }

  /** With the COLD store's background flush every {@code coldFlushInterval}. */
  Fixture(LocalServers servers, String name, Duration coldFlushInterval) {
    this.servers = servers;
    this.id = name + "_" + Long.toHexString(System.nanoTime());
    this.jedis = redis(servers);
    this.pool = postgres(servers, "rel-" + name);
    this.hot =
        RedisTierStore.builder(jedis)
            .prefix("tm:" + id + ":")
            .accessFlushInterval(Duration.ofMillis(200))
            .build();
    this.warm =
        PostgresTierStore.builder(pool)
            .table("tm_" + id.toLowerCase(Locale.ROOT))
            .embedder(embedder)
            .accessFlushInterval(Duration.ofMillis(200))
            .build();
    this.cold =
        ChromaTierStore.builder(servers.chromaUrl(), embedder)
            .collection("tm-" + id)
            .timeout(CHROMA_TIMEOUT)
            .connectTimeout(Duration.ofSeconds(1))
            .accessFlushInterval(coldFlushInterval)
            .build();
    this.coldCreatedNanos = System.nanoTime();
    this.feed = DecisionFeed.builder().registry(registry).history(5000).revealKeys(true).build();
  }

  static RedisClient redis(LocalServers servers) {
    ConnectionPoolConfig poolConfig = new ConnectionPoolConfig();
    poolConfig.setMaxTotal(16);
    poolConfig.setMaxWait(REDIS_POOL_WAIT);
    return RedisClient.builder()
        .hostAndPort("127.0.0.1", servers.port(LocalServers.Server.REDIS))
        .clientConfig(
            DefaultJedisClientConfig.builder()
                .socketTimeoutMillis((int) REDIS_TIMEOUT.toMillis())
                .connectionTimeoutMillis((int) REDIS_TIMEOUT.toMillis())
                .build())
        .poolConfig(poolConfig)
        .build();
  }

  static HikariDataSource postgres(LocalServers servers, String poolName) {
    HikariConfig config = new HikariConfig();
    // pgjdbc takes seconds: connectTimeout for the TCP connect, socketTimeout for every read
    // (a statement on a hung server), loginTimeout for the whole connection set-up.
    config.setJdbcUrl(
        servers.jdbcUrl()
            + "?connectTimeout=2&socketTimeout="
            + PG_SOCKET_TIMEOUT.toSeconds()
            + "&loginTimeout=2&tcpKeepAlive=true");
    config.setUsername(servers.pgUser());
    config.setPassword(servers.pgPassword());
    config.setMaximumPoolSize(8);
    config.setConnectionTimeout(PG_CONNECTION_TIMEOUT.toMillis());
    config.setValidationTimeout(1000);
    // The first connection to a server started a moment ago, on a loaded machine, may take longer
    // than the login timeout: the pool keeps trying for 10 s at start instead of failing the test.
    config.setInitializationFailTimeout(10_000);
    config.setPoolName(poolName);
    return new HikariDataSource(config);
  }

  /** Builds the store on the three tiers, reporting everywhere; {@code customize} adds to it. */
  TieredMemory open(UnaryOperator<TieredMemory.Builder> customize) {
    TieredMemory.Builder b =
        TieredMemory.builder(id)
            .hot(hot)
            .warm(warm)
            .cold(cold)
            .embedder(embedder)
            .discoverObservers(false)
            .observer(rec)
            .observer(
                TieredMemoryMetrics.of(
                    registry,
                    Tags.empty(),
                    MetricsOptions.defaults().withStatsRefresh(Duration.ofMillis(200))))
            .observer(feed);
    store = customize.apply(b).build();
    return store;
  }

  /** The sum of every sample of {@code name} whose labels include {@code labels}. */
  double metric(String name, Map<String, String> labels) {
    return Scrape.sum(registry.scrape(), name, labels);
  }

  @Override
  public void close() {
    if (store != null) {
      store.close(); // closes the three tier stores too
    } else {
      hot.close();
      warm.close();
      cold.close();
    }
    jedis.close();
    pool.close();
  }

  @Override
  public String toString() {
    return "Fixture[" + id + "]";
  }
}
