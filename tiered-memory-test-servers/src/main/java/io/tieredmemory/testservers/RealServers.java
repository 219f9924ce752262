package io.tieredmemory.testservers;

/**
 * Where the real servers started by {@code ./scripts/test.sh} are. Tests that need one call these
 * and fail (never skip) with a message naming the server and how to start it when it is missing.
 *
 * <pre>{@code
 * String url = RealServers.redisUrl();   // e.g. redis://127.0.0.1:16379
 * }</pre>
 */
public final class RealServers {
  private RealServers() {}

  /** {@code TM_REDIS_URL}: a standalone Redis. */
  public static String redisUrl() {
    return require("TM_REDIS_URL", "Redis", "tm_start_redis");
  }

  /**
   * {@code TM_REDIS_CLUSTER_NODES}: {@code host:port,host:port,...} of a 3-master Redis Cluster.
   */
  public static String redisClusterNodes() {
    return require("TM_REDIS_CLUSTER_NODES", "Redis Cluster", "tm_start_redis_cluster");
  }

  /** {@code TM_PG_JDBC_URL}: a PostgreSQL database. */
  public static String postgresJdbcUrl() {
    return require("TM_PG_JDBC_URL", "PostgreSQL", "tm_start_postgres");
  }

  /** {@code TM_PG_USER}. */
  public static String postgresUser() {
    return require("TM_PG_USER", "PostgreSQL", "tm_start_postgres");
  }

  /** {@code TM_PG_PASSWORD}. */
  public static String postgresPassword() {
    return require("TM_PG_PASSWORD", "PostgreSQL", "tm_start_postgres");
  }

  /** {@code TM_CHROMA_URL}: a Chroma 1.0.x server. */
  public static String chromaUrl() {
    return require("TM_CHROMA_URL", "Chroma", "tm_start_chroma");
  }

  /** {@code TM_PROMETHEUS_BIN}: the Prometheus server binary (started by the tests themselves). */
  public static String prometheusBinary() {
    return require("TM_PROMETHEUS_BIN", "Prometheus (binary)", "tm_install_prometheus");
  }

  /** {@code TM_PROMTOOL_BIN}: promtool. */
  public static String promtoolBinary() {
    return require("TM_PROMTOOL_BIN", "promtool", "tm_install_prometheus");
  }

  /** {@code TM_PROM_PORT}: a free loopback port reserved for a Prometheus a test starts. */
  public static int prometheusPort() {
    return Integer.parseInt(require("TM_PROM_PORT", "Prometheus (port)", "tm_start_all"));
  }

  /**
   * The value of {@code variable}, or an {@link AssertionError} telling how to start the server.
   */
  public static String require(String variable, String server, String startFunction) {
    String value = System.getenv(variable);
    if (value == null || value.isBlank()) {
      throw new AssertionError(
          server
              + " is not running for this test: "
              + variable
              + " is not set. Run ./scripts/test.sh, which starts every server, or start it by hand:"
              + " `source scripts/lib/servers.sh && "
              + startFunction
              + "` and run Maven from that shell.");
    }
    return value;
  }
}
