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
import redis.clients.jedis.RedisClient;

/** What the contract does not pin down, on a single Redis: round trips, flushing, TTL, healing. */
class RedisTierStoreBehaviourIT {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final long T0_MILLIS = T0.toEpochMilli();

  private static RedisClient jedis;
  private static Jedis admin;
  private final List<RedisTierStore> stores = new ArrayList<>();

  @BeforeAll
  static void connect() {
    jedis = RedisTestSupport.standalone();
    admin = RedisTestSupport.standaloneConnection();
  }

  @AfterAll
  static void disconnect() {
    jedis.close();
    admin.close();
  }

  @AfterEach
  void closeAndClean() {
    for (RedisTierStore s : stores) {
      s.close();
      RedisTestSupport.deleteAll(jedis, s.prefix());
    }
  }

  private RedisTierStore store(RedisTierStore.Builder builder) {
    RedisTierStore s = builder.build();
    stores.add(s);
    return s;
  }

  private RedisTierStore store() {
    return store(builder());
  }

  private static RedisTierStore.Builder builder() {
    return RedisTierStore.builder(jedis).prefix(RedisTestSupport.uniquePrefix("behaviour"));
  }

  private static Memory memory(String key, String content, long version) {
    return new Memory(key, content, Map.of("k", "v"), T0, T0, version);
  }

  @Test
  void read_hit_costsOneCommandAndFlushBatchesTheStatistics() {
    RedisTierStore s = store(builder().accessFlushInterval(Duration.ofHours(1)));
    s.upsert(memory("hot", "content", 1), T0_MILLIS);
    s.read("hot", T0_MILLIS); // warms the pool connection and the scripts
    s.flush();

    Map<String, Long> before = RedisTestSupport.commandStats(admin);
    for (int i = 1; i <= 100; i++) {
      assertThat(s.read("hot", T0_MILLIS + i)).isNotNull();
    }
    Map<String, Long> afterReads = RedisTestSupport.commandStats(admin);
    s.flush();
    Map<String, Long> afterFlush = RedisTestSupport.commandStats(admin);

    // Besides the store's commands the server sees only the two INFOs of the previous snapshot.
    assertThat(RedisTestSupport.deltas(before, afterReads))
        .containsExactlyInAnyOrderEntriesOf(Map.of("hmget", 100L, "info", 2L, "total", 102L));
    // The flush: one pipeline of one EVALSHA and one ZADD. Redis also counts the commands the
    // script runs inside the server (HGET, HINCRBY, HSET), which cost no round trip.
    assertThat(RedisTestSupport.deltas(afterReads, afterFlush))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "evalsha", 1L, "zadd", 1L, "info", 2L, "hget", 1L, "hincrby", 1L, "hset", 1L,
                "total", 7L));

    StoredMemory peeked = s.peek("hot");
    assertThat(peeked.accessCount()).isEqualTo(101);
    assertThat(peeked.lastAccessMillis()).isEqualTo(T0_MILLIS + 100);
  }

  @Test
  void read_statistics_areFlushedByTheBackgroundThreadWithinTwoIntervals() throws Exception {
    Duration interval = Duration.ofMillis(250);
    RedisTierStore s = store(builder().accessFlushInterval(interval));
    s.upsert(memory("bg", "content", 1), T0_MILLIS);

    long start = System.nanoTime();
    s.read("bg", T0_MILLIS + 5_000);
    long elapsedMillis = -1;
    while (System.nanoTime() - start < interval.multipliedBy(4).toNanos()) {
      if (s.peek("bg").accessCount() == 1) {
        elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        break;
      }
      Thread.sleep(5);
    }
    assertThat(elapsedMillis).as("ms until the read showed up").isBetween(0L, 2 * 250L);
    assertThat(s.peek("bg").lastAccessMillis()).isEqualTo(T0_MILLIS + 5_000);
    assertThat(s.oldestAccessed(T0_MILLIS + 5_000, 10)).isEmpty();
  }

  @Test
  void ttl_configured_setsAndRefreshesExpiry() {
    RedisTierStore s = store(builder().ttl(Duration.ofMinutes(10)));
    Keys keys = new Keys(s.prefix());
    s.upsert(memory("a", "x", 1), T0_MILLIS);
    s.copyIn(new StoredMemory(memory("b", "y", 3), 2, T0_MILLIS));
    assertThat(jedis.pttl(keys.memory("a"))).isBetween(1L, 600_000L);
    assertThat(jedis.pttl(keys.memory("b"))).isBetween(1L, 600_000L);

    jedis.pexpire(keys.memory("a"), 5_000);
    s.read("a", T0_MILLIS + 1);
    s.flush();
    assertThat(jedis.pttl(keys.memory("a")))
        .as("a flushed read refreshes the TTL")
        .isGreaterThan(5_000L);
    jedis.pexpire(keys.memory("b"), 5_000);
    s.touch("b", T0_MILLIS + 2);
    assertThat(jedis.pttl(keys.memory("b"))).as("touch refreshes the TTL").isGreaterThan(5_000L);
  }

  @Test
  void ttl_notConfigured_keysDoNotExpire() {
    RedisTierStore s = store();
    s.upsert(memory("a", "x", 1), T0_MILLIS);
    assertThat(jedis.pttl(new Keys(s.prefix()).memory("a"))).isEqualTo(-1L);
  }

  @Test
  void prefix_twoStoresOnOneServer_seeOnlyTheirOwnKeys() {
    RedisTierStore one = store();
    RedisTierStore two = store();
    one.upsert(memory("same", "one", 1), T0_MILLIS);
    two.upsert(memory("same", "two!", 1), T0_MILLIS + 1);
    two.upsert(memory("other", "only two", 1), T0_MILLIS + 2);

    assertThat(one.read("same", T0_MILLIS).content()).isEqualTo("one");
    assertThat(two.read("same", T0_MILLIS).content()).isEqualTo("two!");
    assertThat(one.peek("other")).isNull();
    assertThat(one.count()).isEqualTo(1);
    assertThat(two.count()).isEqualTo(2);
    assertThat(one.bytes()).isEqualTo("same".length() + 3 + 2);
    assertThat(one.oldestAccessed(Long.MAX_VALUE, 10))
        .extracting(StoredMemory::key)
        .containsExactly("same");

    assertThat(one.remove("same")).isTrue();
    assertThat(two.peek("same").memory().content()).isEqualTo("two!");
    assertThat(two.count()).isEqualTo(2);
  }

  @Test
  void scripts_flushedOnServer_areReloadedByEval() {
    RedisTierStore s = store();
    s.upsert(memory("a", "1", 1), T0_MILLIS);
    s.copyIn(new StoredMemory(memory("b", "2", 5), 0, T0_MILLIS));
    s.read("a", T0_MILLIS + 10);

    admin.scriptFlush();
    s.flush(); // pipelined ACCESS answered NOSCRIPT
    assertThat(s.peek("a").accessCount()).isEqualTo(1);

    admin.scriptFlush();
    assertThat(s.upsert(memory("a", "1b", 1), T0_MILLIS).version()).isEqualTo(2);
    admin.scriptFlush();
    assertThat(s.touch("b", T0_MILLIS + 99)).isTrue();
    admin.scriptFlush();
    assertThat(s.removeAllIfOlder(Map.of("a", 3L, "b", 5L))).containsExactly("a");
    admin.scriptFlush();
    assertThat(s.removeIfVersion("b", 5)).isTrue();
    assertThat(s.count()).isZero();
    assertThat(s.bytes()).isZero();
  }

  @Test
  void versions_above2pow53_compareExactly() {
    RedisTierStore s = store();
    long big = (1L << 53) + 1;
    s.upsert(memory("v", "a", big), T0_MILLIS);
    assertThat(s.upsert(memory("v", "b", 1), T0_MILLIS).version()).isEqualTo(big + 1);
    assertThat(s.copyIn(new StoredMemory(memory("v", "old", big), 0, T0_MILLIS))).isFalse();
    assertThat(s.removeIfVersion("v", big)).isFalse();
    assertThat(s.removeIfOlder("v", big + 1)).isFalse();
    long max = Long.MAX_VALUE - 1;
    assertThat(s.upsert(memory("v", "c", max), T0_MILLIS).version()).isEqualTo(max);
    assertThat(s.upsert(memory("v", "d", 1), T0_MILLIS).version()).isEqualTo(Long.MAX_VALUE);
    s.upsert(memory("w", "a", 999), T0_MILLIS);
    assertThat(s.upsert(memory("w", "b", 1), T0_MILLIS).version()).isEqualTo(1000);
  }

  @Test
  void oldestAccessed_dropsIndexMembersWithoutHash_andStillFillsTheLimit() {
    RedisTierStore s = store();
    Keys keys = new Keys(s.prefix());
    for (int i = 0; i < 3; i++) {
      s.upsert(memory("real" + i, "x", 1), T0_MILLIS + 1_000 + i);
    }
    Map<String, Double> ghosts = new HashMap<>();
    for (int i = 0; i < 12; i++) {
      ghosts.put("ghost" + i, (double) T0_MILLIS + i);
    }
    jedis.zadd(keys.index(), ghosts);
    assertThat(s.count()).isEqualTo(15);

    List<StoredMemory> oldest = s.oldestAccessed(Long.MAX_VALUE, 3);

    assertThat(oldest).extracting(StoredMemory::key).containsExactly("real0", "real1", "real2");
    assertThat(s.count()).as("ghosts dropped from the index").isEqualTo(3);
  }

  @Test
  void oldestAccessed_lowIndexScore_isRescoredToTheRealLastAccess() {
    RedisTierStore s = store();
    Keys keys = new Keys(s.prefix());
    s.upsert(memory("a", "x", 1), T0_MILLIS + 10_000);
    s.upsert(memory("b", "x", 1), T0_MILLIS + 20_000);
    s.upsert(memory("c", "x", 1), T0_MILLIS + 90_000);
    // As if reads of b and c had not reached the index yet.
    jedis.zadd(keys.index(), T0_MILLIS, "b");
    jedis.zadd(keys.index(), T0_MILLIS, "c");

    List<StoredMemory> idle = s.oldestAccessed(T0_MILLIS + 60_000, 10);

    assertThat(idle).extracting(StoredMemory::key).containsExactly("a", "b");
    assertThat(jedis.zscore(keys.index(), "b")).isEqualTo((double) T0_MILLIS + 20_000);
    assertThat(jedis.zscore(keys.index(), "c")).isEqualTo((double) T0_MILLIS + 90_000);
  }

  @Test
  void recheck_hashRecreatedAfterRemoval_isPutBackInTheIndex() {
    RedisTierStore s = store();
    Keys keys = new Keys(s.prefix());
    s.upsert(memory("k", "x", 1), T0_MILLIS + 7);
    // The interleaving a removal can meet: a write re-created the hash and indexed it, then the
    // removal's ZREM landed.
    jedis.zrem(keys.index(), "k");
    new Index(jedis, keys).recheck(List.of("k", "absent"));
    assertThat(jedis.zscore(keys.index(), "k")).isEqualTo((double) T0_MILLIS + 7);
    assertThat(jedis.zscore(keys.index(), "absent")).isNull();
  }

  @Test
  void readAll_moreKeysThanOneBatch_readsAndRecordsEach() {
    RedisTierStore s = store();
    List<String> wanted = new ArrayList<>();
    for (int i = 0; i < 1_200; i++) {
      s.copyIn(new StoredMemory(memory("m" + i, "c" + i, 1), 0, T0_MILLIS));
      wanted.add("m" + i);
    }
    wanted.add("missing");
    Map<String, Memory> read = s.readAll(wanted, T0_MILLIS + 5);
    assertThat(read).hasSize(1_200);
    assertThat(read.get("m777").content()).isEqualTo("c777");
    s.flush();
    assertThat(s.peekAll(wanted))
        .hasSize(1_200)
        .allSatisfy(
            (k, m) -> {
              assertThat(m.accessCount()).isEqualTo(1);
              assertThat(m.lastAccessMillis()).isEqualTo(T0_MILLIS + 5);
            });
    Map<String, Long> stale = new HashMap<>();
    for (int i = 0; i < 1_200; i++) {
      stale.put("m" + i, i % 2 == 0 ? 2L : 1L);
    }
    assertThat(s.removeAllIfOlder(stale)).hasSize(600);
    assertThat(s.count()).isEqualTo(600);
  }

  @Test
  void embedding_isOneCompactField_andAHashWrittenWithoutTheField_readsWithoutEmbedding() {
    RedisTierStore s = store();
    Keys keys = new Keys(s.prefix());
    float[] e = {1f, -0.0f, Float.MIN_VALUE, Float.NaN};
    s.upsert(new Memory("emb", "x", Map.of(), T0, T0, 1, e), T0_MILLIS);
    // 16 bytes of little-endian float bits, base64: 24 characters.
    assertThat(jedis.hget(keys.memory("emb"), "e")).isEqualTo("AACAPwAAAIABAAAAAADAfw==");
    assertThat(s.peek("emb").memory().embedding()).containsExactly(e);

    // An entry as the store wrote it before embeddings: no "e" field at all.
    s.upsert(memory("old", "x", 1), T0_MILLIS);
    assertThat(jedis.hexists(keys.memory("old"), "e")).isFalse();
    assertThat(s.read("old", T0_MILLIS).embedding()).isNull();

    // Writing a memory without embedding over one with deletes the field.
    s.upsert(memory("emb", "y", 2), T0_MILLIS);
    assertThat(jedis.hexists(keys.memory("emb"), "e")).isFalse();
    assertThat(s.read("emb", T0_MILLIS).hasEmbedding()).isFalse();
  }

  @Test
  void close_leavesTheJedisClientOpen_andFlushes() {
    RedisTierStore s = builder().accessFlushInterval(Duration.ofHours(1)).build();
    try {
      s.upsert(memory("c", "x", 1), T0_MILLIS);
      s.read("c", T0_MILLIS + 3);
      s.close();
      s.close(); // idempotent
      assertThat(jedis.ping()).isEqualTo("PONG");
      assertThat(s.peek("c").accessCount()).isEqualTo(1);
    } finally {
      RedisTestSupport.deleteAll(jedis, s.prefix());
    }
  }

  @Test
  void instants_areStoredAsEpochNanos_andFarOnesAsIso() {
    RedisTierStore s = store();
    Keys keys = new Keys(s.prefix());
    Instant created = Instant.parse("2026-01-01T00:00:00.000000123Z");
    s.upsert(new Memory("near", "x", Map.of(), created, T0, 1), T0_MILLIS);
    assertThat(jedis.hget(keys.memory("near"), "ca")).isEqualTo("1767225600000000123");
    assertThat(jedis.hget(keys.memory("near"), "ua")).isEqualTo("1767225600000000000");
    assertThat(s.read("near", T0_MILLIS).createdAt()).isEqualTo(created);

    // Beyond what a long of nanoseconds spans (1677 to 2262): ISO-8601, still exact.
    Instant far = Instant.parse("3000-01-01T00:00:00.000000001Z");
    Instant early = Instant.parse("1000-01-01T00:00:00Z");
    Memory m = new Memory("far", "x", Map.of(), early, far, 5);
    assertThat(s.copyIn(new StoredMemory(m, 0, T0_MILLIS))).isTrue();
    assertThat(jedis.hget(keys.memory("far"), "ca")).isEqualTo("1000-01-01T00:00:00Z");
    assertThat(jedis.hget(keys.memory("far"), "ua")).isEqualTo("3000-01-01T00:00:00.000000001Z");
    assertThat(s.read("far", T0_MILLIS)).isEqualTo(m);
  }

  /**
   * A hash exactly as the previous version of this module wrote it (its UPSERT script's HSET, then
   * the ZADD and INCRBY of the index and the counter), with created/updated in ISO-8601: it reads,
   * peeks, shows up as a sweep candidate, and takes updates and copies.
   */
  @Test
  void hashWrittenByThePreviousVersion_withIsoInstants_isReadAndUpdated() {
    RedisTierStore s = store(builder().accessFlushInterval(Duration.ofHours(1)));
    Keys keys = new Keys(s.prefix());
    Instant created = Instant.parse("2025-03-04T05:06:07.123456789Z");
    Instant updated = Instant.parse("2025-03-05T00:00:00Z");
    Memory old = new Memory("old", "old content", Map.of("source", "chat"), created, updated, 7);
    Map<String, String> hash = new HashMap<>();
    hash.put("v", "7");
    hash.put("c", "old content");
    hash.put("m", "6:source4:chat");
    hash.put("ca", "2025-03-04T05:06:07.123456789Z");
    hash.put("ua", "2025-03-05T00:00:00Z");
    hash.put("n", "3");
    hash.put("la", Long.toString(T0_MILLIS));
    hash.put("sz", Long.toString(old.sizeInBytes()));
    jedis.hset(keys.memory("old"), hash);
    jedis.zadd(keys.index(), T0_MILLIS, "old");
    jedis.incrBy(keys.bytes(), old.sizeInBytes());

    assertThat(s.read("old", T0_MILLIS + 1)).isEqualTo(old);
    assertThat(s.readAll(List.of("old"), T0_MILLIS + 2)).isEqualTo(Map.of("old", old));
    StoredMemory peeked = s.peek("old");
    assertThat(peeked.memory()).isEqualTo(old);
    assertThat(peeked.accessCount()).isEqualTo(3);
    assertThat(s.oldestAccessed(T0_MILLIS + 1, 10))
        .extracting(StoredMemory::memory)
        .containsExactly(old);
    s.flush();
    assertThat(s.peek("old").accessCount()).isEqualTo(5);

    // An update keeps the creation instant the hash holds (as it is) and writes the rest anew.
    Instant now = Instant.parse("2026-01-01T00:00:01Z");
    StoredMemory up =
        s.upsert(new Memory("old", "new content", Map.of(), now, now, 1), T0_MILLIS + 3);
    assertThat(up.memory().createdAt()).isEqualTo(created);
    assertThat(up.memory().version()).isEqualTo(8);
    assertThat(jedis.hget(keys.memory("old"), "ca")).isEqualTo("2025-03-04T05:06:07.123456789Z");
    assertThat(jedis.hget(keys.memory("old"), "ua")).isEqualTo("1767225601000000000");
    assertThat(s.read("old", T0_MILLIS + 4)).isEqualTo(up.memory());
    assertThat(s.bytes()).isEqualTo(up.memory().sizeInBytes());

    // A copy over it replaces both instants with the new form.
    Memory copy = new Memory("old", "copied", Map.of(), now, now, 9);
    assertThat(s.copyIn(new StoredMemory(copy, 0, T0_MILLIS + 5))).isTrue();
    assertThat(jedis.hget(keys.memory("old"), "ca")).isEqualTo("1767225601000000000");
    assertThat(s.read("old", T0_MILLIS + 6)).isEqualTo(copy);
  }
}
