package io.tieredmemory.redis;

import io.tieredmemory.core.internal.Validation;
import io.tieredmemory.core.spi.TierStore;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.UnifiedJedis;

/**
 * The HOT tier on Redis or Redis Cluster, through one Jedis {@link UnifiedJedis}: pass a {@code
 * RedisClient} (Jedis 8's pooled client, formerly {@code JedisPooled}) for a single server, or a
 * {@code RedisClusterClient} (or the deprecated {@code JedisCluster}) for a cluster; the code is
 * the same. Authentication and TLS stay in your Jedis configuration: the store never sees
 * credentials.
 *
 * <pre>{@code
 * UnifiedJedis jedis = RedisClient.create("redis://127.0.0.1:6379");
 * // or: RedisClusterClient.create(Set.of(new HostAndPort("10.0.0.1", 7000)))
 * RedisTierStore hot = RedisTierStore.builder(jedis)
 *     .prefix("tm:agent:")                       // default "tm:default:"
 *     .accessFlushInterval(Duration.ofSeconds(1)) // default 1 s
 *     .ttl(Duration.ofDays(7))                    // default: no TTL
 *     .build();
 * TieredMemory store = TieredMemory.builder("agent").hot(hot).build();
 * // ... store.close(); hot.close(); jedis.close();
 * }</pre>
 *
 * <p><b>Data model.</b> One hash per memory, {@code <prefix>m:<key>}, with the version, content,
 * metadata (length-prefixed), created/updated instants, access count, last access and size; a
 * sorted set {@code <prefix>lru} of the keys scored by last access (epoch millis); a counter {@code
 * <prefix>bytes}. Nothing ever runs KEYS or SCAN. Several stores share a server through distinct
 * prefixes, none of which may start with another's prefix followed by {@code m:}. In a cluster the
 * hashes spread over all slots while the index and the counter are one key each, on one node; a
 * prefix holding a hash tag ({@code {...}}) puts every key in one slot, which works but does not
 * spread.
 *
 * <p><b>Round trips.</b> {@code read} is one HMGET (binary: numbers and instants are parsed from
 * the reply's bytes; instants are stored as epoch nanoseconds, and the ISO-8601 of hashes written
 * by earlier versions is still read); its statistics (count, latest access) are buffered in process
 * and written in pipelined batches by a daemon thread every {@code accessFlushInterval}, and by
 * {@link #flush()} and {@link #close()}. {@code peek} is one HMGET and shows flushed statistics
 * only. Writes ({@code upsert}, {@code copyIn}) are one EVALSHA on the hash plus one pipeline (ZADD
 * to the index, INCRBY of the counter). Removals are one EVALSHA, one pipeline (ZREM, DECRBY) and
 * one HGET (the re-check below). {@code touch} is one pipeline (EVALSHA and ZADD XX GT). {@code
 * readAll}, {@code peekAll}, {@code copyAllIn}, {@code removeAllIfOlder} and {@code
 * removeAllIfVersion} pipeline their keys, in batches of 500 (in a cluster Jedis' {@code
 * ClusterPipeline} sends one batch per node), each key's script still atomic on its own hash.
 * {@code count} is ZCARD of the index, {@code bytes} a GET of the counter.
 *
 * <p><b>Consistency.</b> Every version check is a Lua script on the memory's hash alone, so it is
 * atomic per key on a single server and in a cluster alike: versions never go backwards and a
 * conditional removal never removes a newer write. The index and the counter live in other slots
 * and are updated right after the script, so they can briefly lag; the index is kept to two rules:
 *
 * <ol>
 *   <li>Every live hash is in the index. Writes ZADD after their script. A removal ZREMs after its
 *       script and then re-reads the hash: if a concurrent write re-created it (its script ran
 *       before our ZREM, its ZADD possibly before too), the re-read, which runs after our ZREM,
 *       sees it and puts it back. A member is only ever removed when this re-check follows.
 *   <li>A member's score is at most the hash's real last access, in the common case. Flushed reads
 *       and {@code touch} only raise scores (ZADD XX GT: and never re-add a removed member). So an
 *       entry is found early rather than missed.
 * </ol>
 *
 * <p>{@code oldestAccessed} heals what the lag leaves: it reads index entries (ZRANGE BYSCORE, i.e.
 * ZRANGEBYSCORE, with an exclusive max and LIMIT), then their hashes in one pipeline, drops members
 * whose hash is gone (a removal racing a write, or an expired hash), re-scores members read since
 * they were indexed (skipping those now past the cutoff), and returns up to {@code limit} sorted by
 * their real last access, fetching further pages (at most 8 rounds) to fill the limit. Races can
 * leave a score above the real last access (writes whose ZADDs reach the index out of order, a
 * {@code copyIn} that lowers the last access while a flush raises the score); such a memory is then
 * chosen later than it should be, never lost. {@code count()} may include members whose hash just
 * went (until an {@code oldestAccessed} meets them). A crash or a failed call between a script and
 * its index update can leave a hash out of the index; the TTL, if set, is the safety net for those.
 *
 * <p><b>TTL.</b> With {@link Builder#ttl}, each hash expires {@code ttl} after its last write,
 * flushed read or touch. An expired hash leaves its index member (dropped by the next {@code
 * oldestAccessed}) and its bytes in the counter, which then over-counts.
 *
 * <p><b>Errors.</b> Redis failures propagate as Jedis runtime exceptions, for the {@code
 * TieredMemory} to report. A failed background flush keeps its statistics for the next one and logs
 * a warning; an explicit {@link #flush()} throws.
 *
 * <p><b>Lifecycle.</b> {@link #close()} stops the store's flusher thread, then flushes (and throws
 * if that last flush fails); it does <em>not</em> close the {@code UnifiedJedis}, which belongs to
 * the caller. Calls after {@code close} still reach Redis, but their read statistics are written
 * only by an explicit {@link #flush()}. Needs Redis 6.2 or later (ZADD GT, ZRANGE BYSCORE).
 */
public interface RedisTierStore extends TierStore {

  /** The default key prefix. */
  String DEFAULT_PREFIX = "tm:default:";

  /** The default interval between background flushes of read statistics. */
  Duration DEFAULT_ACCESS_FLUSH_INTERVAL = Duration.ofSeconds(1);

  /** The longest prefix accepted, in chars. */
  int MAX_PREFIX_LENGTH = 128;

  /**
   * A builder for a store on {@code jedis} (a {@code RedisClient} or a {@code RedisClusterClient}),
   * which the store uses but never closes.
   *
   * @throws IllegalArgumentException if {@code jedis} is null
   */
  static Builder builder(UnifiedJedis jedis) {
    return new Builder(Validation.requireNonNull("jedis", jedis));
  }

  /** The prefix of every Redis key this store uses. */
  String prefix();

  /**
   * Configures a {@link RedisTierStore}. Each setter checks its value at once.
   *
   * <pre>{@code
   * RedisTierStore hot = RedisTierStore.builder(RedisClusterClient.create(nodes))
   *     .prefix("tm:agent:")
   *     .build();
   * }</pre>
   */
  final class Builder {
    private final UnifiedJedis jedis;
    private String prefix = DEFAULT_PREFIX;
    private Duration accessFlushInterval = DEFAULT_ACCESS_FLUSH_INTERVAL;
    private @Nullable Duration ttl;

    private Builder(UnifiedJedis jedis) {
      this.jedis = jedis;
    }

    /**
     * The prefix of every key the store uses (default {@value #DEFAULT_PREFIX}): non-blank, at most
     * {@value #MAX_PREFIX_LENGTH} chars, no whitespace or control characters.
     */
    public Builder prefix(String prefix) {
      this.prefix = checkPrefix(prefix);
      return this;
    }

    /** How often buffered read statistics are written out (default 1 s); positive. */
    public Builder accessFlushInterval(Duration interval) {
      Duration d = Validation.requirePositive("accessFlushInterval", interval);
      if (d.toMillis() < 1) {
        throw new IllegalArgumentException("accessFlushInterval must be >= 1ms, was " + d);
      }
      this.accessFlushInterval = d;
      return this;
    }

    /**
     * Expire each memory this long after its last write, flushed read or touch (default: never), a
     * safety net for hashes the index lost track of; positive, at least 1 ms.
     */
    public Builder ttl(Duration ttl) {
      Duration d = Validation.requirePositive("ttl", ttl);
      if (d.toMillis() < 1) {
        throw new IllegalArgumentException("ttl must be >= 1ms, was " + d);
      }
      this.ttl = d;
      return this;
    }

    /** The store, with its flusher thread started. */
    public RedisTierStore build() {
      return new DefaultRedisTierStore(jedis, prefix, accessFlushInterval, ttl);
    }

    static String checkPrefix(String prefix) {
      Validation.requireNonBlank("prefix", prefix);
      if (prefix.length() > MAX_PREFIX_LENGTH) {
        throw new IllegalArgumentException(
            "prefix must be at most "
                + MAX_PREFIX_LENGTH
                + " chars, was "
                + prefix.length()
                + " chars: '"
                + prefix.substring(0, 32)
                + "...'");
      }
      for (int i = 0; i < prefix.length(); i++) {
        char c = prefix.charAt(i);
        if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
          throw new IllegalArgumentException(
              "prefix must not contain whitespace or control characters, was '"
                  + prefix.replaceAll("\\p{Cntrl}", "?")
                  + "' (U+"
                  + String.format("%04X", (int) c)
                  + " at index "
                  + i
                  + ")");
        }
      }
      return prefix;
    }
  }
}
