package io.tieredmemory.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.StoredMemory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.RedisClusterClient;

/** Cluster specifics on a 3-master Redis Cluster: spread, cross-slot pipelines, round trips. */
class RedisClusterBehaviourIT {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final long T0_MILLIS = T0.toEpochMilli();

  private static RedisClusterClient jedis;
  private static List<Jedis> masters;
  private RedisTierStore store;

  @BeforeAll
  static void connect() {
    jedis = RedisTestSupport.cluster();
    masters = RedisTestSupport.clusterConnections();
  }

  @AfterAll
  static void disconnect() {
    jedis.close();
    masters.forEach(Jedis::close);
  }

  @AfterEach
  void closeAndClean() {
    if (store != null) {
      store.close();
      RedisTestSupport.deleteAll(jedis, store.prefix());
    }
  }

  private RedisTierStore newStore(Duration flushInterval) {
    store =
        RedisTierStore.builder(jedis)
            .prefix(RedisTestSupport.uniquePrefix("cluster-behaviour"))
            .accessFlushInterval(flushInterval)
            .build();
    return store;
  }

  private static Memory memory(String key, String content, long version) {
    return new Memory(key, content, Map.of("n", key), T0, T0, version);
  }

  @Test
  void memoryHashes_spreadOverAllThreeMasters() {
    RedisTierStore s = newStore(Duration.ofSeconds(1));
    List<Long> before = new ArrayList<>();
    for (Jedis m : masters) {
      before.add(m.dbSize());
    }
    for (int i = 0; i < 60; i++) {
      s.upsert(memory("m" + i, "c", 1), T0_MILLIS + i);
    }
    long added = 0;
    for (int i = 0; i < masters.size(); i++) {
      long gained = masters.get(i).dbSize() - before.get(i);
      assertThat(gained).as("keys gained by master %s", i).isPositive();
      added += gained;
    }
    assertThat(masters).hasSize(3);
    assertThat(added).as("60 hashes + index + byte counter").isEqualTo(62);
    assertThat(s.count()).isEqualTo(60);
  }

  @Test
  void read_hit_costsOneCommandAcrossTheCluster() {
    RedisTierStore s = newStore(Duration.ofHours(1));
    s.upsert(memory("hot", "x", 1), T0_MILLIS);
    s.read("hot", T0_MILLIS);
    s.flush();

    List<Map<String, Long>> before = snapshot();
    for (int i = 1; i <= 100; i++) {
      s.read("hot", T0_MILLIS + i);
    }
    List<Map<String, Long>> after = snapshot();

    long hmget = 0;
    long other = 0;
    for (int i = 0; i < masters.size(); i++) {
      for (Map.Entry<String, Long> e :
          RedisTestSupport.deltas(before.get(i), after.get(i)).entrySet()) {
        switch (e.getKey()) {
          case "hmget" -> hmget += e.getValue();
          case "info" -> assertThat(e.getValue()).isEqualTo(2); // the previous snapshot's
          case "total" -> other += e.getValue() - 2;
          default -> throw new AssertionError("unexpected " + e);
        }
      }
    }
    assertThat(hmget).isEqualTo(100);
    assertThat(other).as("commands besides INFO on all masters").isEqualTo(100);
  }

  @Test
  void batchCalls_keysOnEverySlotRange_usePipelinesPerNode() {
    RedisTierStore s = newStore(Duration.ofHours(1));
    List<String> keys = new ArrayList<>();
    Map<String, Long> stale = new HashMap<>();
    for (int i = 0; i < 700; i++) {
      s.copyIn(new StoredMemory(memory("k" + i, "c" + i, 2), 0, T0_MILLIS + i));
      keys.add("k" + i);
      stale.put("k" + i, i < 300 ? 3L : 2L);
    }
    Map<String, Memory> read = s.readAll(keys, T0_MILLIS + 10_000);
    assertThat(read).hasSize(700);
    assertThat(read.get("k699").content()).isEqualTo("c699");
    s.flush();
    assertThat(s.peekAll(keys))
        .hasSize(700)
        .allSatisfy((k, m) -> assertThat(m.lastAccessMillis()).isEqualTo(T0_MILLIS + 10_000));

    assertThat(s.removeAllIfOlder(stale)).hasSize(300);
    assertThat(s.count()).isEqualTo(400);
    assertThat(s.oldestAccessed(Long.MAX_VALUE, 1000)).hasSize(400);
  }

  @Test
  void scripts_flushedOnEveryMaster_areReloaded() {
    RedisTierStore s = newStore(Duration.ofHours(1));
    for (int i = 0; i < 30; i++) {
      s.upsert(memory("s" + i, "x", 1), T0_MILLIS);
      s.read("s" + i, T0_MILLIS + 1);
    }
    masters.forEach(Jedis::scriptFlush);
    s.flush();
    assertThat(s.peek("s29").accessCount()).isEqualTo(1);
    masters.forEach(Jedis::scriptFlush);
    assertThat(s.upsert(memory("s0", "y", 1), T0_MILLIS).version()).isEqualTo(2);
  }

  @Test
  @SuppressWarnings("deprecation") // JedisCluster: deprecated in Jedis 8, still a UnifiedJedis
  void jedisCluster_deprecatedClient_worksTheSame() {
    try (JedisCluster legacy = new JedisCluster(RedisTestSupport.clusterNodes())) {
      store =
          RedisTierStore.builder(legacy)
              .prefix(RedisTestSupport.uniquePrefix("legacy-cluster"))
              .build();
      store.upsert(memory("a", "x", 1), T0_MILLIS);
      store.upsert(memory("b", "y", 1), T0_MILLIS + 1);
      store.read("a", T0_MILLIS + 50);
      store.flush();
      assertThat(store.peek("a").accessCount()).isEqualTo(1);
      assertThat(store.oldestAccessed(Long.MAX_VALUE, 5))
          .extracting(StoredMemory::key)
          .containsExactly("b", "a");
      assertThat(store.readAll(List.of("a", "b", "c"), T0_MILLIS)).containsOnlyKeys("a", "b");
      assertThat(store.removeAllIfOlder(Map.of("a", 2L, "b", 2L))).hasSize(2);
      assertThat(store.count()).isZero();
      store.close();
      RedisTestSupport.deleteAll(legacy, store.prefix());
      store = null;
    }
  }

  private static List<Map<String, Long>> snapshot() {
    List<Map<String, Long>> out = new ArrayList<>();
    for (Jedis m : masters) {
      out.add(RedisTestSupport.commandStats(m));
    }
    return out;
  }
}
