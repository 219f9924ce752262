package io.tieredmemory.postgres;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.StoredMemory;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** Reads rows selected with {@link Sql#COLUMNS} and binds memories to write statements. */
final class Rows {
  private static final long NANOS = 1_000_000_000L;

  private Rows() {}

  static Memory memory(ResultSet rs) throws SQLException {
    String content = rs.getString(2);
    if (rs.getBoolean(3)) {
      content = StoredText.unescape(content);
    }
    return new Memory(
        rs.getString(1),
        content,
        MetadataJson.decode(rs.getString(4)),
        instant(rs.getLong(5)),
        instant(rs.getLong(6)),
        rs.getLong(7));
  }

  static StoredMemory stored(ResultSet rs) throws SQLException {
    return new StoredMemory(memory(rs), rs.getLong(8), rs.getLong(9));
  }

  /**
   * Binds the value columns of a write ({@code key} to {@code version} at parameters {@code offset
   * + 1} to {@code offset + 7}, then {@code size} at {@code sizeIndex}); the caller binds the
   * access statistics.
   */
  static void bindValue(PreparedStatement ps, int offset, Memory m, int sizeIndex)
      throws SQLException {
    String content = m.content();
    boolean escaped = StoredText.needsEscape(content);
    ps.setString(offset + 1, m.key());
    ps.setString(offset + 2, escaped ? StoredText.escape(content) : content);
    ps.setBoolean(offset + 3, escaped);
    ps.setString(offset + 4, MetadataJson.encode(m.metadata()));
    ps.setLong(offset + 5, nanos("createdAt", m.createdAt()));
    ps.setLong(offset + 6, nanos("updatedAt", m.updatedAt()));
    ps.setLong(offset + 7, m.version());
    ps.setLong(sizeIndex, m.sizeInBytes());
  }

  /**
   * Epoch nanoseconds: exact for every instant a clock produces (timestamptz would cut Java's
   * nanosecond clock readings to microseconds, and the contract demands instants round-trip).
   *
   * @throws IllegalArgumentException naming the field and value outside 1677-09-21..2262-04-11
   */
  static long nanos(String field, Instant instant) {
    long seconds = instant.getEpochSecond();
    long nanos = instant.getNano();
    if (seconds < 0 && nanos > 0) {
      // As Instant.toEpochMilli does: keeps the earliest representable instant from overflowing.
      seconds++;
      nanos -= NANOS;
    }
    try {
      return Math.addExact(Math.multiplyExact(seconds, NANOS), nanos);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          field
              + " must be between 1677-09-21 and 2262-04-11 to be stored in PostgreSQL (epoch"
              + " nanoseconds in a bigint), was "
              + instant,
          e);
    }
  }

  static Instant instant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, NANOS), Math.floorMod(nanos, NANOS));
  }
}
