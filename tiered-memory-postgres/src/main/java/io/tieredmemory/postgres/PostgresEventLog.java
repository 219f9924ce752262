package io.tieredmemory.postgres;

import io.tieredmemory.core.spi.EventLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The decision feeds' durable log in its own table ({@code <table>$events}, migration {@value
 * Migrations#EVENTS}), its id from an identity column.
 *
 * <p><b>Why appends take a lock.</b> An identity value is taken when a row is inserted, not when
 * its transaction commits: two instances appending at once could take ids 7 and 8 and commit 8
 * first, and a feed reading {@code id > 6} in between would see 8, move its cursor past 7 and never
 * deliver it. Each append therefore takes a transaction-level advisory lock on the table (the
 * two-key form, whose key space does not overlap the coordinator's one-key locks) before it
 * inserts, and holds it until it commits: ids become visible in order, which {@link EventLog}
 * promises. Appends are batches written every 50 ms or so by each instance's writer thread, so the
 * lock is held for one {@code INSERT} of up to 500 rows and rarely waited for.
 *
 * <p>The salt is made once by the migration (two random UUIDs' hex digits, 244 random bits) and
 * read by every instance.
 */
final class PostgresEventLog implements EventLog {
  /** The advisory lock's first key: "TMEV". The second is {@code hashtext} of the table name. */
  static final int LOCK_CLASS = 0x544d4556;

  private final Jdbc jdbc;
  private final String lock;
  private final String append;
  private final String readAfter;
  private final String lastId;
  private final String retain;
  private final String salt;

  PostgresEventLog(Jdbc jdbc) {
    this.jdbc = jdbc;
    String e = jdbc.table.derived("events");
    lock = "SELECT pg_advisory_xact_lock(" + LOCK_CLASS + ", hashtext(?))";
    append =
        "INSERT INTO "
            + e
            + " (at, instance, store, kind, json)"
            + " SELECT timestamptz 'epoch' + us * interval '1 microsecond', instance, store, kind,"
            + " json FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[])"
            + " WITH ORDINALITY AS u(us, instance, store, kind, json, n) ORDER BY n";
    readAfter =
        "SELECT id, (extract(epoch FROM at) * 1000000)::bigint, instance, store, kind, json FROM "
            + e
            + " WHERE id > ? ORDER BY id LIMIT ?";
    lastId = "SELECT coalesce(max(id), 0) FROM " + e;
    retain = "DELETE FROM " + e + " WHERE id <= (SELECT max(id) FROM " + e + ") - ?";
    salt = "SELECT salt FROM " + jdbc.table.derived("events_salt");
  }

  @Override
  public void append(List<Entry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    int n = entries.size();
    Long[] at = new Long[n];
    String[] instances = new String[n];
    String[] stores = new String[n];
    String[] kinds = new String[n];
    String[] json = new String[n];
    for (int i = 0; i < n; i++) {
      Entry x = entries.get(i);
      at[i] = ChronoUnit.MICROS.between(Instant.EPOCH, x.at());
      instances[i] = x.instance();
      stores[i] = x.store();
      kinds[i] = x.kind();
      json[i] = x.json();
    }
    jdbc.call(
        "eventsAppend",
        c -> {
          int stored;
          boolean auto = c.getAutoCommit();
          c.setAutoCommit(false);
          try {
            try (PreparedStatement ps = c.prepareStatement(lock)) {
              ps.setString(1, jdbc.table.name());
              ps.execute();
            }
            try (PreparedStatement ps = c.prepareStatement(append)) {
              ps.setArray(1, c.createArrayOf("bigint", at));
              ps.setArray(2, c.createArrayOf("text", instances));
              ps.setArray(3, c.createArrayOf("text", stores));
              ps.setArray(4, c.createArrayOf("text", kinds));
              ps.setArray(5, c.createArrayOf("text", json));
              stored = ps.executeUpdate();
            }
            c.commit();
          } catch (SQLException | RuntimeException ex) {
            rollback(c);
            throw ex;
          } finally {
            c.setAutoCommit(auto);
          }
          return stored;
        });
  }

  private static void rollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is broken: the pool drops it, and the transaction ends with it
    }
  }

  @Override
  public List<Entry> readAfter(long afterId, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    return jdbc.call(
        "eventsRead",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(readAfter)) {
            ps.setLong(1, afterId);
            ps.setInt(2, limit);
            List<Entry> out = new ArrayList<>(Math.min(limit, 512));
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new Entry(
                        rs.getLong(1),
                        Instant.EPOCH.plus(rs.getLong(2), ChronoUnit.MICROS),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6)));
              }
            }
            return out;
          }
        });
  }

  @Override
  public long lastId() {
    return jdbc.call(
        "eventsLastId",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(lastId);
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  @Override
  public int retainNewest(int keep) {
    return jdbc.call(
        "eventsRetain",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(retain)) {
            ps.setLong(1, Math.max(keep, 0));
            return ps.executeUpdate();
          }
        });
  }

  @Override
  public byte[] salt() {
    String hex =
        jdbc.call(
            "eventsSalt",
            c -> {
              try (PreparedStatement ps = c.prepareStatement(salt);
                  ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                  throw new SQLException(
                      "the salt row of " + jdbc.table.derivedName("events_salt") + " is missing",
                      "02000");
                }
                return rs.getString(1);
              }
            });
    return HexFormat.of().parseHex(hex);
  }
}
