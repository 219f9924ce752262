package io.tieredmemory.postgres;

import io.tieredmemory.core.spi.AccessBuffer;
import io.tieredmemory.core.spi.ArchiveDirectory;
import io.tieredmemory.core.spi.Location;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The WARM table as the archive directory: an archived memory keeps its row, marked {@code
 * archived} and emptied of content, so one primary-key lookup says where any key lives.
 */
final class PostgresDirectory implements ArchiveDirectory {
  private final Jdbc jdbc;
  private final AccessBuffer access;

  PostgresDirectory(Jdbc jdbc, AccessBuffer access) {
    this.jdbc = jdbc;
    this.access = access;
  }

  @Override
  public @Nullable Location locate(String key, long nowMillis) {
    Location l =
        jdbc.find(
            "locate",
            c -> {
              try (PreparedStatement ps = c.prepareStatement(jdbc.sql.locate)) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                  return rs.next() ? location(rs) : null;
                }
              }
            });
    if (l instanceof Location.Held) {
      access.recordRead(key, nowMillis);
    }
    return l;
  }

  @Override
  public Map<String, Location> locateAll(Collection<String> keys, long nowMillis) {
    Map<String, Location> found = locations("locateAll", keys);
    for (Map.Entry<String, Location> e : found.entrySet()) {
      if (e.getValue() instanceof Location.Held) {
        access.recordRead(e.getKey(), nowMillis);
      }
    }
    return found;
  }

  @Override
  public Map<String, Location> peekLocations(Collection<String> keys) {
    Map<String, Location> found = locations("peekLocations", keys);
    found.replaceAll(
        (k, l) ->
            l instanceof Location.Held h
                ? new Location.Held(Objects.requireNonNull(access.withPending(h.memory())))
                : l);
    return found;
  }

  private Map<String, Location> locations(String operation, Collection<String> keys) {
    if (keys.isEmpty()) {
      return new HashMap<>();
    }
    return jdbc.call(
        operation,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(jdbc.sql.locateAll)) {
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

  /** One statement for the whole batch ({@code UPDATE ... FROM unnest(keys, versions)}). */
  @Override
  public List<String> markArchived(Map<String, Long> versions) {
    return jdbc.keyVersionBatch("markArchived", jdbc.sql.markArchived, versions);
  }

  @Override
  public @Nullable Location delete(String key) {
    return jdbc.find(
        "delete",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(jdbc.sql.delete)) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? location(rs) : null;
            }
          }
        });
  }

  /** A row of {@code COLUMNS, archived}. */
  private static Location location(ResultSet rs) throws SQLException {
    return rs.getBoolean(Sql.AFTER_COLUMNS)
        ? new Location.Archived(rs.getLong(7))
        : new Location.Held(Rows.stored(rs));
  }
}
