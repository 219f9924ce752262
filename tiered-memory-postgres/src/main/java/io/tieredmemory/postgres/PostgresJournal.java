package io.tieredmemory.postgres;

import io.tieredmemory.core.Tier;
import io.tieredmemory.core.spi.ReconcileJournal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The reconcile journal in its own table ({@code <table>$journal}), keyed by tier and key; each
 * call is one statement.
 */
final class PostgresJournal implements ReconcileJournal {
  private final Jdbc jdbc;

  PostgresJournal(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void note(Tier tier, Map<String, Long> versions) {
    if (versions.isEmpty()) {
      return;
    }
    Jdbc.KeyVersions kv = Jdbc.KeyVersions.of(versions);
    jdbc.call(
        "journalNote",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(jdbc.sql.journalNote)) {
            ps.setInt(1, tier.ordinal());
            ps.setArray(2, c.createArrayOf("text", kv.keys()));
            ps.setArray(3, c.createArrayOf("bigint", kv.versions()));
            return ps.executeUpdate();
          }
        });
  }

  @Override
  public Map<String, Long> notes(Tier tier, int limit) {
    return jdbc.call(
        "journalNotes",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(jdbc.sql.journalNotes)) {
            ps.setInt(1, tier.ordinal());
            ps.setInt(2, limit);
            Map<String, Long> out = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
              }
            }
            return out;
          }
        });
  }

  /** Forgets the notes holding exactly these versions. */
  @Override
  public void forget(Tier tier, Map<String, Long> versions) {
    if (versions.isEmpty()) {
      return;
    }
    Jdbc.KeyVersions kv = Jdbc.KeyVersions.of(versions);
    jdbc.call(
        "journalForget",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(jdbc.sql.journalForget)) {
            ps.setArray(1, c.createArrayOf("text", kv.keys()));
            ps.setArray(2, c.createArrayOf("bigint", kv.versions()));
            ps.setInt(3, tier.ordinal());
            return Jdbc.keys(ps);
          }
        });
  }
}
