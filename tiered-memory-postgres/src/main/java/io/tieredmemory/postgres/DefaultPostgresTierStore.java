package io.tieredmemory.postgres;

import io.tieredmemory.core.KindCount;
import io.tieredmemory.core.Kinds;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.AccessBuffer;
import io.tieredmemory.core.spi.ArchiveDirectory;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.EventLog;
import io.tieredmemory.core.spi.HistoryLog;
import io.tieredmemory.core.spi.ReconcileJournal;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.core.spi.VectorSearch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The WARM tier on one PostgreSQL table; see {@link PostgresTierStore} for the mapping. Its
 * capabilities are separate objects sharing the table's {@link Jdbc}: the archive directory (rows
 * marked archived), the reconcile journal (a second table), memories' history (a third) and, with
 * an embedder, search.
 */
final class DefaultPostgresTierStore implements PostgresTierStore {
  /** Keys per access-statistics write: bounds the arrays sent and the rows one statement locks. */
  static final int ACCESS_BATCH = 5_000;

  private final Jdbc jdbc;
  private final Sql sql;
  private final AccessBuffer access;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Optional<ArchiveDirectory> directory;
  private final Optional<ReconcileJournal> journal;
  private final Optional<HistoryLog> history;
  private final Optional<EventLog> eventLog;
  private final Optional<VectorSearch> search;

  DefaultPostgresTierStore(
      DataSource dataSource, TableName table, Duration flushInterval, @Nullable Embedder embedder) {
    this.jdbc = new Jdbc(dataSource, table);
    this.sql = jdbc.sql;
    this.access =
        AccessBuffer.start(
            "PostgresTierStore[table=" + table.name() + "]",
            flushInterval,
            ACCESS_BATCH,
            batch -> jdbc.call("flush", c -> writeAccess(c, batch)));
    this.directory = Optional.of(new PostgresDirectory(jdbc, access));
    this.journal = Optional.of(new PostgresJournal(jdbc));
    this.history = Optional.of(new PostgresHistory(jdbc));
    this.eventLog = Optional.of(new PostgresEventLog(jdbc));
    this.search =
        embedder == null ? Optional.empty() : Optional.of(new PostgresSearch(jdbc, embedder));
  }

  @Override
  public String kind() {
    return "postgres";
  }

  @Override
  public String table() {
    return jdbc.table.name();
  }

  @Override
  public @Nullable Memory read(String key, long nowMillis) {
    Memory m =
        jdbc.find(
            "read",
            c -> {
              try (PreparedStatement ps = c.prepareStatement(sql.read)) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                  return rs.next() ? Rows.memory(rs) : null;
                }
              }
            });
    if (m != null) {
      access.recordRead(key, nowMillis);
    }
    return m;
  }

  @Override
  public Map<String, Memory> readAll(Collection<String> keys, long nowMillis) {
    Map<String, Memory> found = new HashMap<>();
    for (StoredMemory s : selectKeys("readAll", keys)) {
      found.put(s.key(), s.memory());
      access.recordRead(s.key(), nowMillis);
    }
    return found;
  }

  @Override
  public @Nullable StoredMemory peek(String key) {
    return jdbc.find(
        "peek",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.read)) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? access.withPending(Rows.stored(rs)) : null;
            }
          }
        });
  }

  @Override
  public Map<String, StoredMemory> peekAll(Collection<String> keys) {
    Map<String, StoredMemory> found = new HashMap<>();
    for (StoredMemory s : selectKeys("peekAll", keys)) {
      found.put(s.key(), access.withPending(s));
    }
    return found;
  }

  private List<StoredMemory> selectKeys(String operation, Collection<String> keys) {
    if (keys.isEmpty()) {
      return List.of();
    }
    return jdbc.call(
        operation,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.readAll)) {
            ps.setArray(1, c.createArrayOf("text", keys.toArray(new String[0])));
            return Jdbc.list(ps);
          }
        });
  }

  @Override
  public StoredMemory upsert(Memory proposal, long nowMillis) {
    return jdbc.call(
        "upsert",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.upsert)) {
            ps.setString(1, proposal.key());
            Rows.bindValue(ps, 1, proposal, 10);
            ps.setLong(9, nowMillis);
            ps.setString(12, proposal.key());
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              Memory stored =
                  proposal
                      .withVersion(rs.getLong(2), proposal.updatedAt())
                      .withCreatedAt(Rows.instant(rs.getLong(1)));
              return new StoredMemory(stored, rs.getLong(3), rs.getLong(4));
            }
          }
        });
  }

  @Override
  public boolean copyIn(StoredMemory copy) {
    return jdbc.call(
        "copyIn",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.copyIn)) {
            Rows.bindValue(ps, 0, copy.memory(), 10);
            ps.setLong(8, copy.accessCount());
            ps.setLong(9, copy.lastAccessMillis());
            return ps.executeUpdate() > 0;
          }
        });
  }

  /** One statement for the whole batch ({@code INSERT ... SELECT FROM unnest(...)}). */
  @Override
  public List<String> copyAllIn(List<StoredMemory> copies) {
    TierStore.requireDistinctKeys(copies);
    if (copies.isEmpty()) {
      return List.of();
    }
    int n = copies.size();
    String[] keys = new String[n];
    String[] contents = new String[n];
    Boolean[] escaped = new Boolean[n];
    String[] metadata = new String[n];
    Long[] created = new Long[n];
    Long[] updated = new Long[n];
    Long[] versions = new Long[n];
    Long[] counts = new Long[n];
    Long[] lastAccess = new Long[n];
    Long[] sizes = new Long[n];
    byte[][] embeddings = new byte[n][];
    for (int i = 0; i < n; i++) {
      StoredMemory copy = copies.get(i);
      Memory m = copy.memory();
      boolean escape = StoredText.needsEscape(m.content());
      keys[i] = m.key();
      contents[i] = escape ? StoredText.escape(m.content()) : m.content();
      escaped[i] = escape;
      metadata[i] = MetadataJson.encode(m.metadata());
      created[i] = Rows.nanos("createdAt", m.createdAt());
      updated[i] = Rows.nanos("updatedAt", m.updatedAt());
      versions[i] = m.version();
      counts[i] = copy.accessCount();
      lastAccess[i] = copy.lastAccessMillis();
      sizes[i] = m.sizeInBytes();
      embeddings[i] = Rows.embeddingBytes(m.embedding());
    }
    return jdbc.call(
        "copyAllIn",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.copyAllIn)) {
            ps.setArray(1, c.createArrayOf("text", keys));
            ps.setArray(2, c.createArrayOf("text", contents));
            ps.setArray(3, c.createArrayOf("boolean", escaped));
            ps.setArray(4, c.createArrayOf("text", metadata));
            ps.setArray(5, c.createArrayOf("bigint", created));
            ps.setArray(6, c.createArrayOf("bigint", updated));
            ps.setArray(7, c.createArrayOf("bigint", versions));
            ps.setArray(8, c.createArrayOf("bigint", counts));
            ps.setArray(9, c.createArrayOf("bigint", lastAccess));
            ps.setArray(10, c.createArrayOf("bigint", sizes));
            ps.setArray(11, c.createArrayOf("bytea", embeddings));
            return Jdbc.keys(ps);
          }
        });
  }

  /** One statement for the whole batch ({@code DELETE ... USING unnest(keys, versions)}). */
  @Override
  public List<String> removeAllIfVersion(Map<String, Long> versions) {
    return jdbc.keyVersionBatch("removeAllIfVersion", sql.removeAllIfVersion, versions);
  }

  @Override
  public boolean removeIfVersion(String key, long version) {
    return delete("removeIfVersion", sql.removeIfVersion, key, version);
  }

  @Override
  public boolean removeIfOlder(String key, long version) {
    return delete("removeIfOlder", sql.removeIfOlder, key, version);
  }

  @Override
  public boolean remove(String key) {
    return directory.orElseThrow().delete(key) != null;
  }

  @Override
  public Optional<ArchiveDirectory> directory() {
    return directory;
  }

  @Override
  public Optional<ReconcileJournal> journal() {
    return journal;
  }

  @Override
  public Optional<HistoryLog> history() {
    return history;
  }

  @Override
  public Optional<EventLog> eventLog() {
    return eventLog;
  }

  @Override
  public Optional<VectorSearch> vectorSearch() {
    return search;
  }

  private boolean delete(String operation, String statement, String key, long version) {
    return jdbc.call(
        operation,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(statement)) {
            ps.setString(1, key);
            ps.setLong(2, version);
            return ps.executeUpdate() > 0;
          }
        });
  }

  @Override
  public List<String> removeAllIfOlder(Map<String, Long> versions) {
    return jdbc.keyVersionBatch("removeAllIfOlder", sql.removeAllIfOlder, versions);
  }

  @Override
  public boolean touch(String key, long lastAccessMillis) {
    return jdbc.call(
        "touch",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.touch)) {
            for (int i = 1; i <= 4; i++) {
              ps.setLong(i, lastAccessMillis);
            }
            ps.setString(5, key);
            ps.setLong(6, lastAccessMillis);
            ps.setString(7, key);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getBoolean(1);
            }
          }
        });
  }

  @Override
  public List<StoredMemory> oldestAccessed(long accessedBeforeMillis, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }
    return jdbc.call(
        "oldestAccessed",
        c ->
            withoutBitmapScans(
                c,
                () -> {
                  try (PreparedStatement ps = c.prepareStatement(sql.oldestAccessed)) {
                    ps.setLong(1, accessedBeforeMillis);
                    ps.setLong(2, accessedBeforeMillis);
                    ps.setInt(3, limit);
                    ps.setLong(4, accessedBeforeMillis);
                    ps.setInt(5, limit);
                    return Jdbc.list(ps);
                  }
                }));
  }

  /**
   * Runs {@code query} in a transaction with bitmap scans off ({@code SET LOCAL}), for the sweep's
   * oldest-first read of the last-access index. Each sweep archives rows, leaving their old entries
   * in that index until a vacuum; a plain index scan marks such entries dead as it passes them, so
   * the next sweep skips them, but a bitmap scan visits their heap tuples again every time. On a
   * large table, whose statistics rarely count the few idle rows, the planner picks the bitmap
   * scan, and the sweep's read grows with every archived row until autovacuum, which on 1M rows
   * waits for 200,000 dead ones (measured: 20,000 such entries cost 255 ms per read, against 0.4 ms
   * once an index scan had marked them; benchmarks/analysis.md). An ordered, limited read of that
   * index never gains from a bitmap. Costs two round trips more, a few per sweep.
   */
  private static <T> T withoutBitmapScans(Connection c, Jdbc.Body<T> query) throws SQLException {
    return Jdbc.inTransaction(
        c,
        () -> {
          try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL enable_bitmapscan = off");
          }
          return query.run();
        });
  }

  @Override
  public long count() {
    return single("count", sql.count);
  }

  @Override
  public long bytes() {
    return single("bytes", sql.bytes);
  }

  /** One {@code GROUP BY} over the memories (archive marks left out, as {@link #count()} does). */
  @Override
  public Optional<Map<String, KindCount>> countByKind(Kinds kinds) {
    boolean field = kinds.source() == Kinds.Source.METADATA;
    return Optional.of(
        jdbc.call(
            "countByKind",
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(field ? sql.countByField : sql.countByPrefix)) {
                ps.setString(1, kinds.selector());
                if (!field) {
                  ps.setString(2, kinds.selector());
                }
                Map<String, KindCount> counts = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    counts.put(rs.getString(1), new KindCount(rs.getLong(2), rs.getLong(3)));
                  }
                }
                return counts;
              }
            }));
  }

  private long single(String operation, String statement) {
    return jdbc.call(
        operation,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(statement);
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  @Override
  public void flush() {
    access.flush();
  }

  private Integer writeAccess(Connection c, List<AccessBuffer.Pending> batch) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.flushAccess)) {
      int n = batch.size();
      String[] keys = new String[n];
      Long[] counts = new Long[n];
      Long[] lastAccess = new Long[n];
      for (int i = 0; i < n; i++) {
        keys[i] = batch.get(i).key();
        counts[i] = batch.get(i).reads();
        lastAccess[i] = batch.get(i).lastAccessMillis();
      }
      ps.setArray(1, c.createArrayOf("text", keys));
      ps.setArray(2, c.createArrayOf("bigint", counts));
      ps.setArray(3, c.createArrayOf("bigint", lastAccess));
      return ps.executeUpdate();
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      access.close();
    }
  }

  @Override
  public String toString() {
    return "PostgresTierStore[table="
        + jdbc.table.name()
        + (search.isPresent() ? ", searchable" : "")
        + "]";
  }
}
