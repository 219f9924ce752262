package io.tieredmemory.redis;

import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.testkit.TierStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.RedisClusterClient;

/**
 * The tier contract on a 3-master Redis Cluster ({@code TM_REDIS_CLUSTER_NODES}) through Jedis'
 * cluster client, a fresh prefix per test.
 */
class RedisClusterTierStoreIT extends TierStoreContract {
  private static RedisClusterClient jedis;
  private String prefix;

  @BeforeAll
  static void connect() {
    jedis = RedisTestSupport.cluster();
  }

  @AfterAll
  static void disconnect() {
    if (jedis != null) {
      jedis.close();
    }
  }

  @Override
  protected TierStore createStore() {
    prefix = RedisTestSupport.uniquePrefix("cluster");
    return RedisTierStore.builder(jedis).prefix(prefix).build();
  }

  @AfterEach
  void deleteKeys() {
    store.close();
    RedisTestSupport.deleteAll(jedis, prefix);
  }
}
