package io.tieredmemory.postgres;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemoryException;
import io.tieredmemory.core.spi.ArchiveDirectory;
import io.tieredmemory.core.spi.Location;
import io.tieredmemory.core.spi.ReconcileJournal;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/**
 * The WARM tier on one PostgreSQL table, with its archive directory (rows marked archived) and its
 * reconcile journal (a second table); see {@link PostgresTierStore} for the mapping.
 */
sealed class JdbcTierStore implements PostgresTierStore, ArchiveDirectory, ReconcileJournal
    permits SearchableJdbcTierStore {
  final DataSource dataSource;
  final TableName table;
  final Sql sql;
  private final AccessFlusher access;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Optional<ArchiveDirectory> directoryView = Optional.of(this);
  private final Optional<ReconcileJournal> journalView = Optional.of(this);

  @FunctionalInterface
  interface SqlCall<T> {
    T run(Connection c) throws SQLException;
  }

  JdbcTierStore(DataSource dataSource, TableName table, Duration flushInterval) {
    this.dataSource = dataSource;
    this.table = table;
    this.sql = new Sql(table);
    this.access =
        new AccessFlusher(
            "PostgresTierStore[table=" + table.name() + "]",
            "tiered-memory-postgres-flush-" + table.name(),
            flushInterval,
            batch -> call("flush", c -> writeAccess(c, batch)));
  }

  @Override
  public String kind() {
    return "postgres";
  }

  @Override
  public String table() {
    return table.name();
  }

  @Override
  public Memory read(String key, long nowMillis) {
    Memory m;
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql.read)) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        m = rs.next() ? Rows.memory(rs) : null;
      }
      commitIfNeeded(c);
    } catch (SQLException e) {
      throw failure("read", e);
    }
    if (m != null) {
      access.record(key, nowMillis);
    }
    return m;
  }

  @Override
  public Map<String, Memory> readAll(Collection<String> keys, long nowMillis) {
    Map<String, Memory> found = new HashMap<>();
    for (StoredMemory s : selectKeys("readAll", keys)) {
      found.put(s.key(), s.memory());
      access.record(s.key(), nowMillis);
    }
    return found;
  }

  @Override
  public StoredMemory peek(String key) {
    return call(
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
    return call(
        operation,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.readAll)) {
            ps.setArray(1, c.createArrayOf("text", keys.toArray(new String[0])));
            return list(ps);
          }
        });
  }

  @Override
  public StoredMemory upsert(Memory proposal, long nowMillis) {
    return call(
        "upsert",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.upsert)) {
            ps.setString(1, proposal.key());
            Rows.bindValue(ps, 1, proposal, 10);
            ps.setLong(9, nowMillis);
            ps.setString(11, proposal.key());
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
    return call(
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
    }
    return call(
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
            return keys(ps);
          }
        });
  }

  /** One statement for the whole batch ({@code DELETE ... USING unnest(keys, versions)}). */
  @Override
  public List<String> removeAllIfVersion(Map<String, Long> versions) {
    return deleteAll("removeAllIfVersion", sql.removeAllIfVersion, versions);
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
    return delete(key) != null;
  }

  // ------------------------------------------------------------------ directory

  @Override
  public Optional<ArchiveDirectory> directory() {
    return directoryView;
  }

  @Override
  public Optional<ReconcileJournal> journal() {
    return journalView;
  }

  @Override
  public Location locate(String key, long nowMillis) {
    Location l =
        call(
            "locate",
            c -> {
              try (PreparedStatement ps = c.prepareStatement(sql.locate)) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                  return rs.next() ? location(rs) : null;
                }
              }
            });
    if (l instanceof Location.Held) {
      access.record(key, nowMillis);
    }
    return l;
  }

  @Override
  public Map<String, Location> locateAll(Collection<String> keys, long nowMillis) {
    Map<String, Location> found = locations("locateAll", keys);
    for (Map.Entry<String, Location> e : found.entrySet()) {
      if (e.getValue() instanceof Location.Held) {
        access.record(e.getKey(), nowMillis);
      }
    }
    return found;
  }

  @Override
  public Map<String, Location> peekLocations(Collection<String> keys) {
    Map<String, Location> found = locations("peekLocations", keys);
    found.replaceAll(
        (k, l) ->
            l instanceof Location.Held h ? new Location.Held(access.withPending(h.memory())) : l);
    return found;
  }

  private Map<String, Location> locations(String operation, Collection<String> keys) {
    if (keys.isEmpty()) {
      return new HashMap<>();
    }
    return call(
        operation,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.locateAll)) {
            ps.setArray(1, c.createArrayOf("text", keys.toArray(new String[0])));
            Map<String, Location> out = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.put(rs.getString(1), location(rs));
              }
            }
            return out;
          }
        });
  }

  /** A row of {@code COLUMNS, archived}. */
  private static Location location(ResultSet rs) throws SQLException {
    return rs.getBoolean(10)
        ? new Location.Archived(rs.getLong(7))
        : new Location.Held(Rows.stored(rs));
  }

  /** One statement for the whole batch ({@code UPDATE ... FROM unnest(keys, versions)}). */
  @Override
  public List<String> markArchived(Map<String, Long> versions) {
    return deleteAll("markArchived", sql.markArchived, versions);
  }

  @Override
  public Location delete(String key) {
    return call(
        "delete",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.delete)) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? location(rs) : null;
            }
          }
        });
  }

  private boolean delete(String operation, String statement, String key, long version) {
    return call(
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
    return deleteAll("removeAllIfOlder", sql.removeAllIfOlder, versions);
  }

  /** Runs a batch delete taking a key array and a version array; returns the keys deleted. */
  private List<String> deleteAll(String operation, String statement, Map<String, Long> versions) {
    if (versions.isEmpty()) {
      return List.of();
    }
    String[] keys = new String[versions.size()];
    Long[] values = new Long[versions.size()];
    int i = 0;
    for (Map.Entry<String, Long> e : versions.entrySet()) {
      keys[i] = e.getKey();
      values[i++] = e.getValue();
    }
    return call(
        operation,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(statement)) {
            ps.setArray(1, c.createArrayOf("text", keys));
            ps.setArray(2, c.createArrayOf("bigint", values));
            return keys(ps);
          }
        });
  }

  // ------------------------------------------------------------------ journal

  /** Notes keys in this table's journal (one statement). */
  @Override
  public void note(Tier tier, Map<String, Long> versions) {
    if (!versions.isEmpty()) {
      journalCall("journalNote", sql.journalNote, tier, versions, false);
    }
  }

  /** Up to {@code limit} journal notes (one statement). */
  @Override
  public Map<String, Long> notes(Tier tier, int limit) {
    return call(
        "journalNotes",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.journalNotes)) {
            ps.setInt(1, tier.ordinal());
            ps.setInt(2, limit);
            Map<String, Long> out = new java.util.HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
              }
            }
            return out;
          }
        });
  }

  /** Forgets the notes holding exactly these versions (one statement). */
  @Override
  public void forget(Tier tier, Map<String, Long> versions) {
    if (!versions.isEmpty()) {
      journalCall("journalForget", sql.journalForget, tier, versions, true);
    }
  }

  private void journalCall(
      String operation,
      String statement,
      Tier tier,
      Map<String, Long> versions,
      boolean returnsRows) {
    String[] keys = new String[versions.size()];
    Long[] values = new Long[versions.size()];
    int i = 0;
    for (Map.Entry<String, Long> e : versions.entrySet()) {
      keys[i] = e.getKey();
      values[i++] = e.getValue();
    }
    call(
        operation,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(statement)) {
            // The note statement takes the tier first, the forget statement last.
            int at = returnsRows ? 0 : 1;
            ps.setArray(1 + at, c.createArrayOf("text", keys));
            ps.setArray(2 + at, c.createArrayOf("bigint", values));
            ps.setInt(returnsRows ? 3 : 1, tier.ordinal());
            if (returnsRows) {
              keys(ps);
            } else {
              ps.executeUpdate();
            }
            return null;
          }
        });
  }

  /** The first column of every row {@code ps} returns, as keys. */
  private static List<String> keys(PreparedStatement ps) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  @Override
  public boolean touch(String key, long lastAccessMillis) {
    return call(
        "touch",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.touch)) {
            ps.setLong(1, lastAccessMillis);
            ps.setString(2, key);
            ps.setLong(3, lastAccessMillis);
            ps.setString(4, key);
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
    return call(
        "oldestAccessed",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.oldestAccessed)) {
            ps.setLong(1, accessedBeforeMillis);
            ps.setInt(2, limit);
            return list(ps);
          }
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

  private long single(String operation, String statement) {
    return call(
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

  private Integer writeAccess(Connection c, AccessBuffer.Batch batch) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.flushAccess)) {
      ps.setArray(1, c.createArrayOf("text", batch.keys()));
      ps.setArray(2, c.createArrayOf("bigint", batch.counts()));
      ps.setArray(3, c.createArrayOf("bigint", batch.lastAccess()));
      return ps.executeUpdate();
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      access.close();
    }
  }

  /** Runs {@code body} on a pooled connection, committing when the pool does not auto-commit. */
  <T> T call(String operation, SqlCall<T> body) {
    try (Connection c = dataSource.getConnection()) {
      T result = body.run(c);
      commitIfNeeded(c);
      return result;
    } catch (SQLException e) {
      throw failure(operation, e);
    }
  }

  static List<StoredMemory> list(PreparedStatement ps) throws SQLException {
    List<StoredMemory> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(Rows.stored(rs));
      }
    }
    return out;
  }

  private static void commitIfNeeded(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.commit();
    }
  }

  TieredMemoryException failure(String operation, SQLException e) {
    return new TieredMemoryException(
        "postgres tier (table '"
            + table.name()
            + "'): "
            + operation
            + " failed: "
            + e.getMessage()
            + " (SQLState "
            + e.getSQLState()
            + ")",
        e);
  }

  @Override
  public String toString() {
    return "PostgresTierStore[table=" + table.name() + "]";
  }
}
