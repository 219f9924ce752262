package io.tieredmemory.hardening;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.chroma.ChromaTierStore;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.postgres.PostgresTierStore;
import io.tieredmemory.redis.RedisTierStore;
import io.tieredmemory.testservers.RealServers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import redis.clients.jedis.RedisClient;

/**
 * The real servers for one test class ({@code scripts/test.sh} starts them): names unique to it
 * (Redis prefix, PostgreSQL table, Chroma collection), backends made on demand over the same data
 * (each call is what a new process would build), independent counts straight from the servers, and
 * clean-up of everything the test created.
 */
final class RealBackends implements AutoCloseable {
  static final String TENANT_PATH = "/api/v2/tenants/default_tenant/databases/default_database";
  private static final ObjectMapper JSON = new ObjectMapper();

  final String id;
  final RedisClient jedis;
  final HikariDataSource pool;
  final URI chroma;
  final Embedder embedder = Embedder.hashing();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<AutoCloseable> made = new ArrayList<>();

  RealBackends(String name) {
    this.id = (name + "_" + Long.toHexString(System.nanoTime())).toLowerCase(Locale.ROOT);
    this.jedis = RedisClient.create(RealServers.redisUrl());
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(RealServers.postgresJdbcUrl());
    config.setUsername(RealServers.postgresUser());
    config.setPassword(RealServers.postgresPassword());
    config.setMaximumPoolSize(8);
    config.setPoolName("hardening-" + name);
    this.pool = new HikariDataSource(config);
    this.chroma = URI.create(RealServers.chromaUrl());
  }

  String prefix() {
    return "tm:" + id + ":";
  }

  String table() {
    return "tm_" + id;
  }

  String collection() {
    return "tm-" + id;
  }

  TierStore hot() {
    return keep(
        RedisTierStore.builder(jedis)
            .prefix(prefix())
            .accessFlushInterval(Duration.ofMillis(200))
            .build());
  }

  TierStore warm() {
    return keep(
        PostgresTierStore.builder(pool)
            .table(table())
            .embedder(embedder)
            .accessFlushInterval(Duration.ofMillis(200))
            .build());
  }

  TierStore cold() {
    return keep(
        ChromaTierStore.builder(chroma, embedder)
            .collection(collection())
            .accessFlushInterval(Duration.ofMillis(200))
            .build());
  }

  private <T extends AutoCloseable> T keep(T t) {
    synchronized (made) {
      made.add(t);
    }
    return t;
  }

  /** Memories in the HOT index: ZCARD of the sorted set every live hash is in. */
  long redisCount() {
    return jedis.zcard(prefix() + "lru");
  }

  /**
   * Memories the WARM table holds: {@code SELECT COUNT(*) ... WHERE NOT archived} (an archived
   * memory leaves a row marked archived, the directory's entry for it in COLD).
   */
  long postgresCount() {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT COUNT(*) FROM \"" + table() + "\" WHERE NOT archived")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Records of the COLD collection: Chroma's own {@code /count}. */
  long chromaCount() {
    JsonNode info = getJson(TENANT_PATH + "/collections/" + collection());
    return getJson(TENANT_PATH + "/collections/" + info.path("id").asText() + "/count").asLong();
  }

  private JsonNode getJson(String path) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(chroma.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("GET " + path + " answered " + r.statusCode());
      }
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws Exception {
    synchronized (made) {
      for (AutoCloseable c : made) {
        try {
          c.close();
        } catch (Exception e) {
          // a backend a test broke on purpose; the data goes below anyway
        }
      }
    }
    try {
      http.send(
          HttpRequest.newBuilder(chroma.resolve(TENANT_PATH + "/collections/" + collection()))
              .DELETE()
              .timeout(Duration.ofSeconds(10))
              .build(),
          HttpResponse.BodyHandlers.discarding());
      try (Connection c = pool.getConnection();
          Statement s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS \"" + table() + "\"");
      }
      List<String> members = jedis.zrange(prefix() + "lru", 0, -1);
      for (String m : members) {
        jedis.del(prefix() + "m:" + m);
      }
      jedis.del(prefix() + "lru", prefix() + "bytes");
    } finally {
      pool.close();
      jedis.close();
    }
  }
}
