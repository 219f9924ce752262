package io.tieredmemory.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.core.spi.Embedder;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.RedisClient;

/**
 * {@link LoadVsRaw}'s raw side: what a user would write by hand with Jedis, JDBC (a HikariCP pool)
 * and Chroma's REST API for the same requests, with no library in between.
 *
 * <ul>
 *   <li>{@code put}: write-through. A PostgreSQL upsert ({@code INSERT ... ON CONFLICT DO UPDATE},
 *       auto-commit), then {@code HSET} of the key's hash in Redis (content, metadata as JSON,
 *       update time; no TTL).
 *   <li>{@code get}: read-through. {@code HGETALL}; on a miss a {@code SELECT} by primary key and,
 *       if found, {@code HSET}. The metadata JSON is parsed on both paths, as a caller needs it.
 *   <li>{@code delete}: from all three: PostgreSQL {@code DELETE}, Redis {@code DEL}, Chroma {@code
 *       /delete} of the id.
 *   <li>{@code search}: the query embedded with the same embedder, one Chroma {@code /query}.
 * </ul>
 *
 * <p>It does less than the store, by design of the comparison: nothing moves between tiers, HOT is
 * unbounded, puts do not update Chroma (the collection holds the seeded memories, less the deleted
 * ones), and nothing is linearizable (a read-through can write an old value back over a concurrent
 * put or delete). Names are unique to the run and removed on close.
 */
final class RawSide implements LoadVsRaw.Side {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

  private final String run;
  private final Embedder embedder;
  private final RedisClient jedis;
  private final HikariDataSource pool;
  private final RawChroma chroma;
  private final String collectionId;
  private final String upsert;
  private final String select;
  private final String delete;

  RawSide(String run, int threads, Embedder embedder) {
    this.run = run;
    this.embedder = embedder;
    this.jedis = Servers.redis();
    this.pool = Servers.postgres("load-vs-raw-raw", threads);
    this.chroma = new RawChroma(Servers.chroma());
    String t = table();
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + t
              + " (key text PRIMARY KEY, content text NOT NULL, metadata jsonb NOT NULL,"
              + " updated_at bigint NOT NULL)");
    } catch (SQLException e) {
      throw new IllegalStateException("creating " + t + " failed: " + e.getMessage(), e);
    }
    this.upsert =
        "INSERT INTO "
            + t
            + " (key, content, metadata, updated_at) VALUES (?, ?, ?::jsonb, ?)"
            + " ON CONFLICT (key) DO UPDATE SET content = EXCLUDED.content,"
            + " metadata = EXCLUDED.metadata, updated_at = EXCLUDED.updated_at";
    this.select = "SELECT content, metadata, updated_at FROM " + t + " WHERE key = ?";
    this.delete = "DELETE FROM " + t + " WHERE key = ?";
    this.collectionId = chroma.createCollection(collection());
  }

  String prefix() {
    return "lvr-raw-" + run + ":";
  }

  String table() {
    return "lvr_raw_" + run;
  }

  String collection() {
    return "lvr-raw-" + run;
  }

  @Override
  public String name() {
    return "raw";
  }

  /** Every memory in all three: PostgreSQL, Redis and (for search) Chroma. */
  @Override
  public void seed(List<String> keys, List<String> contents) {
    List<RawChroma.Record> records = new ArrayList<>();
    Map<String, String> metadata = Map.of("source", "seed");
    for (int i = 0; i < keys.size(); i++) {
      put(keys.get(i), contents.get(i), metadata);
      ObjectNode meta = RawChroma.object();
      meta.put("source", "seed");
      records.add(
          new RawChroma.Record(
              keys.get(i), contents.get(i), embedder.embed(contents.get(i)), meta));
    }
    chroma.upsert(collectionId, records, Math.max(1, Math.min(500, chroma.maxBatchSize())));
  }

  @Override
  public boolean get(String key) {
    Map<String, String> cached = jedis.hgetAll(prefix() + key);
    if (!cached.isEmpty()) {
      parse(cached.getOrDefault("m", "{}"));
      return true;
    }
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement(select)) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return false;
        }
        String content = rs.getString(1);
        String metadata = rs.getString(2);
        long updated = rs.getLong(3);
        parse(metadata);
        jedis.hset(prefix() + key, hash(content, metadata, updated));
        return true;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("get " + key + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void put(String key, String content, Map<String, String> metadata) {
    String json = json(metadata);
    long now = System.currentTimeMillis();
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement(upsert)) {
      ps.setString(1, key);
      ps.setString(2, content);
      ps.setString(3, json);
      ps.setLong(4, now);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("put " + key + ": " + e.getMessage(), e);
    }
    jedis.hset(prefix() + key, hash(content, json, now));
  }

  @Override
  public void delete(String key) {
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement(delete)) {
      ps.setString(1, key);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("delete " + key + ": " + e.getMessage(), e);
    }
    jedis.del(prefix() + key);
    chroma.delete(collectionId, List.of(key));
  }

  @Override
  public int search(String text, int k) {
    return chroma.query(collectionId, embedder.embed(text), k).size();
  }

  @Override
  public void close() {
    try {
      StoreSide.Cleanup.redisPrefix(jedis, prefix());
      StoreSide.Cleanup.tables(pool, table());
      chroma.deleteCollection(collection());
    } finally {
      pool.close();
      jedis.close();
    }
  }

  private static Map<String, String> hash(String content, String metadata, long updated) {
    Map<String, String> h = new HashMap<>(4);
    h.put("c", content);
    h.put("m", metadata);
    h.put("u", Long.toString(updated));
    return h;
  }

  private static String json(Map<String, String> metadata) {
    try {
      return JSON.writeValueAsString(metadata);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("metadata to JSON", e);
    }
  }

  private static Map<String, String> parse(String metadata) {
    try {
      return JSON.readValue(metadata, STRING_MAP);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("metadata from JSON: " + metadata, e);
    }
  }
}
