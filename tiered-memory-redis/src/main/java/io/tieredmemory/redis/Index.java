package io.tieredmemory.redis;

import io.tieredmemory.core.spi.StoredMemory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.ZAddParams;
import redis.clients.jedis.params.ZRangeParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * The store-wide keys: the last-access index (a sorted set of memory keys scored by last access)
 * and the byte counter. They live in other cluster slots than the memory hashes, so they are
 * updated right after each script, not inside it; see {@link RedisTierStore} for why the index
 * still converges.
 */
final class Index {
  /** Rounds of fetch-and-heal in one {@link #oldest} call before it settles for fewer. */
  static final int MAX_ROUNDS = 8;

  private static final ZAddParams EXISTING_ONLY = ZAddParams.zAddParams().xx();

  private final UnifiedJedis jedis;
  private final Keys keys;

  Index(UnifiedJedis jedis, Keys keys) {
    this.jedis = jedis;
    this.keys = keys;
  }

  /** After a write: scores the key with its stored last access and adds the size change. */
  void written(String key, long lastAccessMillis, long byteDelta) {
    try (AbstractPipeline p = jedis.pipelined()) {
      Response<Long> added = p.zadd(keys.index(), lastAccessMillis, key);
      Response<Long> counted = byteDelta == 0 ? null : p.incrBy(keys.bytes(), byteDelta);
      p.sync();
      added.get();
      if (counted != null) {
        counted.get();
      }
    }
  }

  /**
   * After a batch of writes: scores each key with its stored last access and adds the total size
   * change, in one pipeline (as {@link #written} does for one key).
   */
  void writtenAll(Map<String, Long> lastAccess, long byteDelta) {
    if (lastAccess.isEmpty()) {
      return;
    }
    Map<String, Double> scores = new HashMap<>();
    lastAccess.forEach((key, last) -> scores.put(key, (double) last));
    try (AbstractPipeline p = jedis.pipelined()) {
      Response<Long> added = p.zadd(keys.index(), scores);
      Response<Long> counted = byteDelta == 0 ? null : p.incrBy(keys.bytes(), byteDelta);
      p.sync();
      added.get();
      if (counted != null) {
        counted.get();
      }
    }
  }

  /**
   * After removals (key to removed size): drops the keys from the index and their bytes from the
   * counter, then re-adds any key a concurrent write re-created in between (see {@link #recheck}).
   */
  void removed(Map<String, Long> sizes) {
    if (sizes.isEmpty()) {
      return;
    }
    long total = 0;
    for (long s : sizes.values()) {
      total += s;
    }
    try (AbstractPipeline p = jedis.pipelined()) {
      Response<Long> dropped = p.zrem(keys.index(), sizes.keySet().toArray(new String[0]));
      Response<Long> counted = total == 0 ? null : p.decrBy(keys.bytes(), total);
      p.sync();
      dropped.get();
      if (counted != null) {
        counted.get();
      }
    }
    recheck(sizes.keySet());
  }

  /**
   * Re-adds to the index the keys among {@code removed} whose hash exists again. Runs strictly
   * after the ZREM: a write whose script ran before our ZREM is then seen here, so a live hash is
   * never left out of the index. (In a cluster the ZREM and this HGET go to different nodes, so
   * they cannot share one pipeline and keep their order.)
   */
  void recheck(Collection<String> removed) {
    Map<String, Response<String>> last = new HashMap<>();
    try (AbstractPipeline p = jedis.pipelined()) {
      for (String key : removed) {
        last.put(key, p.hget(keys.memory(key), Codec.LAST));
      }
      p.sync();
    }
    Map<String, Double> back = new HashMap<>();
    for (Map.Entry<String, Response<String>> e : last.entrySet()) {
      String la = e.getValue().get();
      if (la != null) {
        back.put(e.getKey(), (double) Long.parseLong(la));
      }
    }
    if (!back.isEmpty()) {
      jedis.zadd(keys.index(), back);
    }
  }

  long count() {
    return jedis.zcard(keys.index());
  }

  /** Every member of the index: a ZSCAN, 1,000 a round trip (a member may be seen twice). */
  Set<String> members() {
    Set<String> members = new LinkedHashSet<>();
    ScanParams params = new ScanParams().count(1000);
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<Tuple> page = jedis.zscan(keys.index(), cursor, params);
      for (Tuple t : page.getResult()) {
        members.add(t.getElement());
      }
      cursor = page.getCursor();
    } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    return members;
  }

  long bytes() {
    String v = jedis.get(keys.bytes());
    return v == null ? 0 : Long.parseLong(v);
  }

  /**
   * Up to {@code limit} memories with last access before {@code beforeMillis}, oldest first. Each
   * round fetches the next index entries (ZRANGE BYSCORE, exclusive max, LIMIT offset count), then
   * their hashes (one pipeline), and heals what it saw: a member without a hash is dropped, a
   * member whose hash was read since is re-scored, and if that puts it past the cutoff it is
   * skipped. Kept members keep their (possibly low) scores until the end, so they stay exactly the
   * first {@code kept} entries of the range and the next round can page past them by offset.
   */
  List<StoredMemory> oldest(
      long beforeMillis, int limit, Function<Collection<String>, Map<String, StoredMemory>> peek) {
    List<StoredMemory> kept = new ArrayList<>();
    if (limit <= 0) {
      return kept;
    }
    String max = beforeMillis == Long.MAX_VALUE ? "+inf" : "(" + beforeMillis;
    Set<String> seen = new HashSet<>();
    Map<String, Double> rescoreInRange = new HashMap<>();
    for (int round = 0; round < MAX_ROUNDS && kept.size() < limit; round++) {
      int want = limit - kept.size();
      List<Tuple> page =
          jedis.zrangeWithScores(
              keys.index(),
              new ZRangeParams(Protocol.Keyword.BYSCORE, "-inf", max).limit(kept.size(), want));
      List<Tuple> fresh = new ArrayList<>(page.size());
      for (Tuple t : page) {
        if (seen.add(t.getElement())) {
          fresh.add(t);
        }
      }
      if (fresh.isEmpty()) {
        break;
      }
      Map<String, StoredMemory> found = peek.apply(elements(fresh));
      List<String> gone = new ArrayList<>();
      Map<String, Double> outOfRange = new HashMap<>();
      for (Tuple t : fresh) {
        StoredMemory sm = found.get(t.getElement());
        if (sm == null) {
          gone.add(t.getElement());
        } else if (sm.lastAccessMillis() >= beforeMillis) {
          outOfRange.put(t.getElement(), (double) sm.lastAccessMillis());
        } else {
          kept.add(sm);
          if (t.getScore() != sm.lastAccessMillis()) {
            rescoreInRange.put(t.getElement(), (double) sm.lastAccessMillis());
          }
        }
      }
      rescore(outOfRange);
      if (!gone.isEmpty()) {
        // Gone hashes: their bytes were already taken off when they were removed, or were lost
        // with an expired hash (see the TTL notes), so only the index entry goes.
        dropFromIndex(gone);
      }
      if (page.size() < want) {
        break;
      }
    }
    rescore(rescoreInRange);
    kept.sort(
        Comparator.comparingLong(StoredMemory::lastAccessMillis).thenComparing(StoredMemory::key));
    return kept.size() > limit ? kept.subList(0, limit) : kept;
  }

  private void dropFromIndex(Collection<String> members) {
    jedis.zrem(keys.index(), members.toArray(new String[0]));
    recheck(members);
  }

  /** Sets exact scores for members still in the index (XX: never re-adds a dropped member). */
  private void rescore(Map<String, Double> scores) {
    if (!scores.isEmpty()) {
      jedis.zadd(keys.index(), scores, EXISTING_ONLY);
    }
  }

  private static List<String> elements(List<Tuple> tuples) {
    List<String> out = new ArrayList<>(tuples.size());
    for (Tuple t : tuples) {
      out.add(t.getElement());
    }
    return out;
  }
}
