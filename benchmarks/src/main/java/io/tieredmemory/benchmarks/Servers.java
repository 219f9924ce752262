package io.tieredmemory.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import redis.clients.jedis.RedisClient;

/**
 * The real servers a benchmark needs, found through the {@code TM_*} variables that {@code
 * scripts/lib/servers.sh} exports ({@code ./scripts/bench.sh} starts them). A missing server fails
 * the benchmark at once with a message saying how to start it; nothing is skipped.
 */
final class Servers {
  private Servers() {}

  /** A pooled Redis client on {@code TM_REDIS_URL}. */
  static RedisClient redis() {
    return RedisClient.create(require("TM_REDIS_URL", "Redis", "tm_start_redis"));
  }

  /** A HikariCP pool on {@code TM_PG_JDBC_URL}, auto-commit, at most {@code size} connections. */
  static HikariDataSource postgres(String poolName, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(require("TM_PG_JDBC_URL", "PostgreSQL", "tm_start_postgres"));
    config.setUsername(require("TM_PG_USER", "PostgreSQL", "tm_start_postgres"));
    config.setPassword(require("TM_PG_PASSWORD", "PostgreSQL", "tm_start_postgres"));
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(size);
    config.setPoolName(poolName);
    return new HikariDataSource(config);
  }

  /** {@code TM_CHROMA_URL}. */
  static URI chroma() {
    return URI.create(require("TM_CHROMA_URL", "Chroma", "tm_start_chroma"));
  }

  static String require(String variable, String server, String startFunction) {
    String value = System.getenv(variable);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          server
              + " is not running for this benchmark: "
              + variable
              + " is not set. Run ./scripts/bench.sh, which starts the servers, or start it by"
              + " hand: `source scripts/lib/servers.sh && "
              + startFunction
              + "` and run the benchmark from that shell.");
    }
    return value;
  }
}
