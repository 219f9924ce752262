package io.tieredmemory.postgres;

import io.tieredmemory.core.HistoryEntry;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.spi.HistoryLog;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Memories' history in its own table ({@code <table>$history}, migration {@value
 * Migrations#HISTORY}): one row per entry, its id from an identity column, so rows are numbered in
 * the order they were stored by every instance; read by key through the {@code (key, id)} index,
 * pruned by age through the {@code (at)} index. Each call is one statement; an append of a batch is
 * one {@code INSERT ... SELECT FROM unnest(...)}, numbered in the batch's order.
 */
final class PostgresHistory implements HistoryLog {
  private final Jdbc jdbc;
  private final String append;
  private final String read;
  private final String prune;
  private final String trim;

  PostgresHistory(Jdbc jdbc) {
    this.jdbc = jdbc;
    String h = jdbc.table.derived("history");
    append =
        "INSERT INTO "
            + h
            + " (key, at, instance, kind, version, from_tier, to_tier, reason, detail, inputs)"
            + " SELECT key, timestamptz 'epoch' + us * interval '1 microsecond', instance, kind,"
            + " version, from_tier, to_tier, reason, detail, inputs"
            + " FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::bigint[], ?::text[],"
            + " ?::text[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY"
            + " AS u(key, us, instance, kind, version, from_tier, to_tier, reason, detail, inputs,"
            + " n) ORDER BY n";
    read =
        "SELECT id, key, (extract(epoch FROM at) * 1000000)::bigint, instance, kind, version,"
            + " from_tier, to_tier, reason, detail, inputs FROM "
            + h
            + " WHERE key = ? ORDER BY id DESC LIMIT ?";
    prune =
        "DELETE FROM "
            + h
            + " WHERE id IN (SELECT id FROM "
            + h
            + " WHERE at < timestamptz 'epoch' + ? * interval '1 microsecond' ORDER BY at LIMIT ?)";
    // Per key, the id of its perKey-th newest entry; everything older goes.
    trim =
        "DELETE FROM "
            + h
            + " AS d USING (SELECT k.key, (SELECT id FROM "
            + h
            + " WHERE key = k.key ORDER BY id DESC OFFSET ? LIMIT 1) AS last"
            + " FROM unnest(?::text[]) AS k(key)) AS cut"
            + " WHERE d.key = cut.key AND d.id <= cut.last";
  }

  @Override
  public void append(List<HistoryEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    int n = entries.size();
    String[] keys = new String[n];
    Long[] at = new Long[n];
    String[] instances = new String[n];
    String[] kinds = new String[n];
    Long[] versions = new Long[n];
    String[] from = new String[n];
    String[] to = new String[n];
    String[] reasons = new String[n];
    String[] details = new String[n];
    String[] inputs = new String[n];
    for (int i = 0; i < n; i++) {
      HistoryEntry e = entries.get(i);
      keys[i] = e.key();
      at[i] = ChronoUnit.MICROS.between(Instant.EPOCH, e.at());
      instances[i] = e.instance();
      kinds[i] = e.kind().label();
      versions[i] = e.version();
      from[i] = label(e.from());
      to[i] = label(e.to());
      MoveReason r = e.reason();
      reasons[i] = r == null ? null : r.label();
      details[i] = e.detail();
      inputs[i] = encode(e.inputs());
    }
    jdbc.call(
        "historyAppend",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(append)) {
            ps.setArray(1, c.createArrayOf("text", keys));
            ps.setArray(2, c.createArrayOf("bigint", at));
            ps.setArray(3, c.createArrayOf("text", instances));
            ps.setArray(4, c.createArrayOf("text", kinds));
            ps.setArray(5, c.createArrayOf("bigint", versions));
            ps.setArray(6, c.createArrayOf("text", from));
            ps.setArray(7, c.createArrayOf("text", to));
            ps.setArray(8, c.createArrayOf("text", reasons));
            ps.setArray(9, c.createArrayOf("text", details));
            ps.setArray(10, c.createArrayOf("text", inputs));
            return ps.executeUpdate();
          }
        });
  }

  @Override
  public List<HistoryEntry> read(String key, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    return jdbc.call(
        "historyRead",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(read)) {
            ps.setString(1, key);
            ps.setInt(2, limit);
            List<HistoryEntry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(entry(rs));
              }
            }
            Collections.reverse(out);
            return out;
          }
        });
  }

  @Override
  public int pruneOlderThan(Instant cutoff, int limit) {
    return jdbc.call(
        "historyPrune",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(prune)) {
            ps.setLong(1, ChronoUnit.MICROS.between(Instant.EPOCH, cutoff));
            ps.setInt(2, limit);
            return ps.executeUpdate();
          }
        });
  }

  @Override
  public int trim(Collection<String> keys, int perKey) {
    if (keys.isEmpty()) {
      return 0;
    }
    String[] array = keys.toArray(new String[0]);
    return jdbc.call(
        "historyTrim",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(trim)) {
            ps.setInt(1, perKey);
            ps.setArray(2, c.createArrayOf("text", array));
            return ps.executeUpdate();
          }
        });
  }

  private static HistoryEntry entry(ResultSet rs) throws SQLException {
    long us = rs.getLong(3);
    return new HistoryEntry(
        rs.getLong(1),
        rs.getString(2),
        Instant.EPOCH.plus(us, ChronoUnit.MICROS),
        rs.getString(4),
        HistoryEntry.Kind.ofLabel(rs.getString(5)),
        rs.getLong(6),
        tier(rs.getString(7)),
        tier(rs.getString(8)),
        reason(rs.getString(9)),
        rs.getString(10),
        decode(rs.getString(11)));
  }

  private static @Nullable String label(@Nullable Tier tier) {
    return tier == null ? null : tier.label();
  }

  private static @Nullable Tier tier(@Nullable String label) {
    return label == null ? null : Tier.valueOf(label.toUpperCase(Locale.ROOT));
  }

  private static @Nullable MoveReason reason(@Nullable String label) {
    return label == null ? null : MoveReason.valueOf(label.toUpperCase(Locale.ROOT));
  }

  /** The inputs as a JSON object of strings (the metadata column's encoding). */
  private static String encode(Map<String, Long> inputs) {
    if (inputs.isEmpty()) {
      return "{}";
    }
    Map<String, String> asText = new LinkedHashMap<>();
    inputs.forEach((k, v) -> asText.put(k, Long.toString(v)));
    return MetadataJson.encode(asText);
  }

  private static Map<String, Long> decode(String json) {
    Map<String, String> asText = MetadataJson.decode(json);
    Map<String, Long> out = new LinkedHashMap<>();
    asText.forEach((k, v) -> out.put(k, Long.parseLong(v)));
    return out;
  }
}
