/**
 * The HOT tier on Redis through Jedis. Jedis ships no descriptor; {@code redis.clients.jedis} is
 * the {@code Automatic-Module-Name} in its manifest, stable since Jedis 3. It is required
 * transitively because {@code RedisTierStore.builder} takes a Jedis {@code UnifiedJedis}.
 */
module io.tieredmemory.redis {
  requires transitive io.tieredmemory.core;
  requires transitive redis.clients.jedis;

  exports io.tieredmemory.redis;
}
