/**
 * The HOT tier on Redis through Jedis. Jedis ships no descriptor; {@code redis.clients.jedis} is
 * the {@code Automatic-Module-Name} set in its manifest (not derived from the jar's file name). It
 * is required transitively because {@code RedisTierStore.builder} takes a Jedis {@code
 * UnifiedJedis}.
 */
module io.tieredmemory.redis {
  // Nullness annotations (@NullMarked, @Nullable): needed to compile, not at run time.
  requires static transitive org.jspecify;
  requires transitive io.tieredmemory.core;
  requires transitive redis.clients.jedis;

  exports io.tieredmemory.redis;
}
