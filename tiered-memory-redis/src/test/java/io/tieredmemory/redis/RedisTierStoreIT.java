package io.tieredmemory.redis;

import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.testkit.TierStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.RedisClient;

/** The tier contract on a single Redis ({@code TM_REDIS_URL}), a fresh prefix per test. */
class RedisTierStoreIT extends TierStoreContract {
  private static RedisClient jedis;
  private String prefix;

  @BeforeAll
  static void connect() {
    jedis = RedisTestSupport.standalone();
  }

  @AfterAll
  static void disconnect() {
    if (jedis != null) {
      jedis.close();
    }
  }

  @Override
  protected TierStore createStore() {
    prefix = RedisTestSupport.uniquePrefix("single");
    return RedisTierStore.builder(jedis).prefix(prefix).build();
  }

  @AfterEach
  void deleteKeys() {
    store.close(); // before the clean-up, so a last flush cannot race it; close is idempotent
    RedisTestSupport.deleteAll(jedis, prefix);
  }
}
