package io.tieredmemory.redis;

import io.tieredmemory.testservers.RealServers;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/** Connections to the real servers, unique prefixes, and clean-up through the index. */
final class RedisTestSupport {
  private RedisTestSupport() {}

  /**
   * A pooled client on {@code TM_REDIS_URL}. Idle-connection checks are off so the only commands
   * the server sees are the store's (the round-trip test counts them).
   */
  static RedisClient standalone() {
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setTestWhileIdle(false);
    pool.setTimeBetweenEvictionRuns(java.time.Duration.ofMillis(-1));
    URI url = URI.create(RealServers.redisUrl());
    return RedisClient.builder().hostAndPort(url.getHost(), url.getPort()).poolConfig(pool).build();
  }

  /** A cluster client on {@code TM_REDIS_CLUSTER_NODES}. */
  static RedisClusterClient cluster() {
    return RedisClusterClient.builder().nodes(clusterNodes()).build();
  }

  static Set<HostAndPort> clusterNodes() {
    Set<HostAndPort> nodes = new LinkedHashSet<>();
    for (String node : RealServers.redisClusterNodes().split(",")) {
      nodes.add(HostAndPort.from(node.trim()));
    }
    return nodes;
  }

  /** A plain connection to the standalone server, outside any pool. */
  static Jedis standaloneConnection() {
    return new Jedis(URI.create(RealServers.redisUrl()));
  }

  /** One plain connection per cluster master. */
  static List<Jedis> clusterConnections() {
    List<Jedis> out = new ArrayList<>();
    for (HostAndPort node : clusterNodes()) {
      out.add(new Jedis(node));
    }
    return out;
  }

  static String uniquePrefix(String tag) {
    return "tm:it:" + tag + ":" + UUID.randomUUID().toString().substring(0, 8) + ":";
  }

  /** Deletes every key a store with {@code prefix} wrote, found through its index. */
  static void deleteAll(UnifiedJedis jedis, String prefix) {
    Keys keys = new Keys(prefix);
    List<String> members = jedis.zrange(keys.index(), 0, -1);
    try (AbstractPipeline p = jedis.pipelined()) {
      for (String m : members) {
        p.del(keys.memory(m));
      }
      p.del(keys.index());
      p.del(keys.bytes());
      p.sync();
    }
  }

  /** {@code INFO commandstats} calls per command plus {@code total_commands_processed}. */
  static Map<String, Long> commandStats(Jedis connection) {
    Map<String, Long> stats = new java.util.HashMap<>();
    for (String line : connection.info("commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_")) {
        String name = line.substring("cmdstat_".length(), line.indexOf(':'));
        int calls = line.indexOf("calls=") + "calls=".length();
        stats.put(name, Long.parseLong(line.substring(calls, line.indexOf(',', calls))));
      }
    }
    for (String line : connection.info("stats").split("\r?\n")) {
      if (line.startsWith("total_commands_processed:")) {
        stats.put("total", Long.parseLong(line.substring(line.indexOf(':') + 1).trim()));
      }
    }
    return stats;
  }

  /** The non-zero changes from {@code before} to {@code after}. */
  static Map<String, Long> deltas(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> out = new java.util.HashMap<>();
    for (String command : after.keySet()) {
      long d = delta(before, after, command);
      if (d != 0) {
        out.put(command, d);
      }
    }
    return out;
  }

  static long delta(Map<String, Long> before, Map<String, Long> after, String command) {
    return after.getOrDefault(command, 0L) - before.getOrDefault(command, 0L);
  }
}
