package io.tieredmemory.redis;

import io.tieredmemory.core.KindCount;
import io.tieredmemory.core.Kinds;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.AccessBuffer;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/** {@link RedisTierStore} on a {@link UnifiedJedis}; see there for the model and the argument. */
final class DefaultRedisTierStore implements RedisTierStore {
  /** Keys per pipeline: bounds the memory a batch holds and the time one node is kept busy. */
  static final int BATCH = 500;

  private final UnifiedJedis jedis;
  private final Keys keys;
  private final Index index;
  private final Duration accessFlushInterval;
  private final @Nullable Duration ttl;
  private final String ttlArg;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AccessBuffer accesses;

  DefaultRedisTierStore(
      UnifiedJedis jedis, String prefix, Duration interval, @Nullable Duration ttl) {
    this.jedis = Objects.requireNonNull(jedis, "jedis");
    this.keys = new Keys(prefix);
    this.index = new Index(jedis, keys);
    this.accessFlushInterval = interval;
    this.ttl = ttl;
    this.ttlArg = ttl == null ? "0" : Long.toString(ttl.toMillis());
    this.accesses =
        AccessBuffer.start(toString(), interval, BATCH, new AccessWriter(jedis, keys, ttlArg));
  }

  @Override
  public String kind() {
    return "redis";
  }

  @Override
  public String prefix() {
    return keys.prefix();
  }

  // ------------------------------------------------------------------ reads

  @Override
  public @Nullable Memory read(String key, long nowMillis) {
    checkMillis("nowMillis", nowMillis);
    // The binary HMGET: the store parses numbers and instants from the bytes (Codec).
    Memory m = Codec.memory(key, jedis.hmget(hash(key), Codec.READ_FIELD_BYTES));
    if (m != null) {
      accesses.recordRead(key, nowMillis);
    }
    return m;
  }

  @Override
  public Map<String, Memory> readAll(Collection<String> keyList, long nowMillis) {
    checkMillis("nowMillis", nowMillis);
    Map<String, Memory> found = new HashMap<>();
    for (Map.Entry<String, List<byte[]>> e : fetch(keyList, Codec.READ_FIELD_BYTES).entrySet()) {
      Memory m = Codec.memory(e.getKey(), e.getValue());
      found.put(e.getKey(), m);
      accesses.recordRead(e.getKey(), nowMillis);
    }
    return found;
  }

  @Override
  public @Nullable StoredMemory peek(String key) {
    return Codec.stored(key, jedis.hmget(hash(key), Codec.PEEK_FIELD_BYTES));
  }

  @Override
  public Map<String, StoredMemory> peekAll(Collection<String> keyList) {
    Map<String, StoredMemory> found = new HashMap<>();
    for (Map.Entry<String, List<byte[]>> e : fetch(keyList, Codec.PEEK_FIELD_BYTES).entrySet()) {
      found.put(e.getKey(), Codec.stored(e.getKey(), e.getValue()));
    }
    return found;
  }

  /** HMGETs of {@code fields} for each key, pipelined per batch; only present keys come back. */
  private Map<String, List<byte[]>> fetch(Collection<String> keyList, byte[][] fields) {
    Map<String, List<byte[]>> found = new HashMap<>();
    for (List<String> batch : batches(new LinkedHashSet<>(keyList))) {
      List<Response<List<byte[]>>> answers = new ArrayList<>(batch.size());
      try (AbstractPipeline p = jedis.pipelined()) {
        for (String key : batch) {
          answers.add(p.hmget(hash(key), fields));
        }
        p.sync();
      }
      for (int i = 0; i < batch.size(); i++) {
        List<byte[]> values = answers.get(i).get();
        if (values.get(0) != null) {
          found.put(batch.get(i), values);
        }
      }
    }
    return found;
  }

  // ------------------------------------------------------------------ writes

  @Override
  public StoredMemory upsert(Memory proposal, long nowMillis) {
    checkMillis("nowMillis", nowMillis);
    long size = proposal.sizeInBytes();
    List<String> args =
        List.of(
            proposal.content(),
            Codec.encodeMetadata(proposal.metadata()),
            Codec.encodeInstant(proposal.createdAt()),
            Codec.encodeInstant(proposal.updatedAt()),
            Long.toString(proposal.version()),
            Long.toString(nowMillis),
            Long.toString(size),
            ttlArg,
            Codec.encodeEmbedding(proposal.embedding()));
    List<?> r = (List<?>) Scripts.UPSERT.eval(jedis, keys.memory(proposal.key()), args);
    long version = Long.parseLong((String) r.get(0));
    Instant createdAt = Codec.decodeInstant(proposal.key(), Codec.CREATED, (String) r.get(1));
    long count = Long.parseLong((String) r.get(2));
    long last = Long.parseLong((String) r.get(3));
    long oldSize = Long.parseLong((String) r.get(4));
    index.written(proposal.key(), last, size - oldSize);
    Memory stored = proposal.withVersion(version, proposal.updatedAt()).withCreatedAt(createdAt);
    return new StoredMemory(stored, count, last);
  }

  @Override
  public boolean copyIn(StoredMemory copy) {
    List<String> args = copyArgs(copy);
    Object r = Scripts.COPY_IN.eval(jedis, keys.memory(copy.key()), args);
    if (r == null) {
      return false;
    }
    index.written(
        copy.key(),
        copy.lastAccessMillis(),
        copy.memory().sizeInBytes() - Long.parseLong((String) r));
    return true;
  }

  /**
   * The COPY_IN script for each copy, pipelined per batch, then one pipeline for the index and the
   * byte counter of the copies stored (as {@link #copyIn} does for one).
   */
  @Override
  public List<String> copyAllIn(List<StoredMemory> copies) {
    TierStore.requireDistinctKeys(copies);
    List<List<String>> args = new ArrayList<>(copies.size());
    for (StoredMemory copy : copies) {
      args.add(copyArgs(copy)); // validates every copy before anything is written
    }
    List<String> stored = new ArrayList<>(copies.size());
    for (int from = 0; from < copies.size(); from += BATCH) {
      int to = Math.min(copies.size(), from + BATCH);
      List<Response<Object>> answers = new ArrayList<>(to - from);
      try (AbstractPipeline p = jedis.pipelined()) {
        for (int i = from; i < to; i++) {
          answers.add(Scripts.COPY_IN.queue(p, keys.memory(copies.get(i).key()), args.get(i)));
        }
        p.sync();
      }
      Map<String, Long> lastAccess = new HashMap<>();
      long byteDelta = 0;
      for (int i = from; i < to; i++) {
        StoredMemory copy = copies.get(i);
        String hash = keys.memory(copy.key());
        Object r = Scripts.COPY_IN.result(jedis, answers.get(i - from), hash, args.get(i));
        if (r != null) {
          lastAccess.put(copy.key(), copy.lastAccessMillis());
          byteDelta += copy.memory().sizeInBytes() - Long.parseLong((String) r);
          stored.add(copy.key());
        }
      }
      index.writtenAll(lastAccess, byteDelta);
    }
    return stored;
  }

  private List<String> copyArgs(StoredMemory copy) {
    checkMillis("lastAccessMillis", copy.lastAccessMillis());
    if (copy.accessCount() < 0) {
      throw new IllegalArgumentException(
          "accessCount must be >= 0, was " + copy.accessCount() + " for key " + copy.key());
    }
    Memory m = copy.memory();
    return List.of(
        m.content(),
        Codec.encodeMetadata(m.metadata()),
        Codec.encodeInstant(m.createdAt()),
        Codec.encodeInstant(m.updatedAt()),
        Long.toString(m.version()),
        Long.toString(copy.accessCount()),
        Long.toString(copy.lastAccessMillis()),
        Long.toString(m.sizeInBytes()),
        ttlArg,
        Codec.encodeEmbedding(m.embedding()));
  }

  @Override
  public boolean touch(String key, long lastAccessMillis) {
    checkMillis("lastAccessMillis", lastAccessMillis);
    String hash = keys.memory(key);
    List<String> args = List.of("0", Long.toString(lastAccessMillis), ttlArg);
    Response<Object> present;
    Response<Long> scored;
    // One pipeline: the ZADD does not depend on the script's answer. XX GT never re-adds a removed
    // key and only raises, so the score stays at most the hash's last access.
    try (AbstractPipeline p = jedis.pipelined()) {
      present = Scripts.ACCESS.queue(p, hash, args);
      scored = p.zadd(keys.index(), lastAccessMillis, key, AccessWriter.RAISE_EXISTING);
      p.sync();
    }
    scored.get();
    return ((Long) Scripts.ACCESS.result(jedis, present, hash, args)) == 1L;
  }

  // ------------------------------------------------------------------ removals

  @Override
  public boolean removeIfVersion(String key, long version) {
    return removeOne(key, "eq", version);
  }

  @Override
  public boolean removeIfOlder(String key, long version) {
    return removeOne(key, "lt", version);
  }

  @Override
  public boolean remove(String key) {
    return removeOne(key, "any", 0);
  }

  private boolean removeOne(String key, String mode, long version) {
    Object r = Scripts.REMOVE.eval(jedis, keys.memory(key), List.of(mode, Long.toString(version)));
    if (r == null) {
      return false;
    }
    index.removed(Map.of(key, Long.parseLong((String) r)));
    return true;
  }

  @Override
  public List<String> removeAllIfOlder(Map<String, Long> versions) {
    return removeAll("lt", versions);
  }

  /** The REMOVE script with mode {@code eq} for each key, pipelined per batch of keys. */
  @Override
  public List<String> removeAllIfVersion(Map<String, Long> versions) {
    return removeAll("eq", versions);
  }

  private List<String> removeAll(String mode, Map<String, Long> versions) {
    List<String> removed = new ArrayList<>();
    for (List<String> batch : batches(versions.keySet())) {
      List<Response<Object>> answers = new ArrayList<>(batch.size());
      List<List<String>> args = new ArrayList<>(batch.size());
      try (AbstractPipeline p = jedis.pipelined()) {
        for (String key : batch) {
          List<String> a = List.of(mode, Long.toString(Objects.requireNonNull(versions.get(key))));
          args.add(a);
          answers.add(Scripts.REMOVE.queue(p, keys.memory(key), a));
        }
        p.sync();
      }
      Map<String, Long> sizes = new HashMap<>();
      for (int i = 0; i < batch.size(); i++) {
        String key = batch.get(i);
        Object r = Scripts.REMOVE.result(jedis, answers.get(i), keys.memory(key), args.get(i));
        if (r != null) {
          sizes.put(key, Long.parseLong((String) r));
          removed.add(key);
        }
      }
      index.removed(sizes);
    }
    return removed;
  }

  // ------------------------------------------------------------------ index

  @Override
  public List<StoredMemory> oldestAccessed(long accessedBeforeMillis, int limit) {
    return index.oldest(accessedBeforeMillis, limit, this::peekAll);
  }

  @Override
  public long count() {
    return index.count();
  }

  @Override
  public long bytes() {
    return index.bytes();
  }

  private static final byte[][] KIND_FIELDS =
      Codec.utf8(new String[] {Codec.VERSION, Codec.METADATA, Codec.SIZE});

  /**
   * A ZSCAN of the last-access index, 1,000 members a round trip, then the metadata and size of
   * each member found (HMGETs, pipelined per batch): HOT is bounded by its capacity, so this reads
   * at most about that many hashes. A member whose hash is gone is not counted.
   */
  @Override
  public Optional<Map<String, KindCount>> countByKind(Kinds kinds) {
    Set<String> members = index.members();
    Map<String, KindCount> counts = new HashMap<>();
    for (Map.Entry<String, List<byte[]>> e : fetch(members, KIND_FIELDS).entrySet()) {
      String key = e.getKey();
      List<byte[]> v = e.getValue();
      byte[] encoded = v.get(1);
      Map<String, String> metadata =
          kinds.source() == Kinds.Source.METADATA && encoded != null
              ? Codec.decodeMetadata(key, new String(encoded, StandardCharsets.UTF_8))
              : Map.of();
      byte[] size = v.get(2);
      counts.merge(
          kinds.rawKindOf(key, metadata),
          new KindCount(1, size == null ? 0 : Codec.decimal(key, Codec.SIZE, size)),
          KindCount::plus);
    }
    return Optional.of(counts);
  }

  // ------------------------------------------------------------------ flush and close

  @Override
  public void flush() {
    accesses.flush();
  }

  /**
   * Stops the access buffer's thread, waiting for a flush in progress, then writes what is left (a
   * failure is logged). The {@code UnifiedJedis} stays open: it belongs to the caller.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      accesses.close();
    }
  }

  @Override
  public String toString() {
    return "RedisTierStore[prefix="
        + keys.prefix()
        + ", accessFlushInterval="
        + accessFlushInterval
        + ", ttl="
        + (ttl == null ? "none" : ttl)
        + "]";
  }

  // ------------------------------------------------------------------ helpers

  /** The name of {@code key}'s hash in UTF-8, as Jedis would encode {@code keys.memory(key)}. */
  private byte[] hash(String key) {
    return keys.memory(key).getBytes(StandardCharsets.UTF_8);
  }

  private static List<List<String>> batches(Collection<String> keyList) {
    List<List<String>> out = new ArrayList<>();
    List<String> current = new ArrayList<>(Math.min(BATCH, keyList.size()));
    for (String key : keyList) {
      current.add(key);
      if (current.size() == BATCH) {
        out.add(current);
        current = new ArrayList<>(BATCH);
      }
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }

  /** Times go to Lua as decimal strings compared by length, so they must be non-negative. */
  private static void checkMillis(String field, long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException(field + " must be >= 0, was " + millis);
    }
  }
}
