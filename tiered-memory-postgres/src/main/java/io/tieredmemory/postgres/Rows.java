package io.tieredmemory.postgres;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.StoredMemory;
import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Reads rows selected with {@link Sql#COLUMNS} and binds memories to write statements. */
final class Rows {
  private static final long NANOS = 1_000_000_000L;

  private Rows() {}

  static Memory memory(ResultSet rs) throws SQLException {
    return memory(rs, rs.getString(1), embedding(rs.getBytes(10)));
  }

  /** The memory of the current row, with its embedding already decoded. */
  static Memory memory(ResultSet rs, String key, float @Nullable [] embedding) throws SQLException {
    String content = rs.getString(2);
    if (rs.getBoolean(3)) {
      content = StoredText.unescape(content);
    }
    Memory m =
        new Memory(
            key,
            content,
            MetadataJson.decode(rs.getString(4)),
            instant(rs.getLong(5)),
            instant(rs.getLong(6)),
            rs.getLong(7));
    // withEmbedding: Memory's 7-argument constructor reads as non-null to NullAway from the jar.
    return embedding == null ? m : m.withEmbedding(embedding);
  }

  static StoredMemory stored(ResultSet rs) throws SQLException {
    return new StoredMemory(memory(rs), rs.getLong(8), rs.getLong(9));
  }

  /**
   * Binds the value columns of a write ({@code key} to {@code version} at parameters {@code offset
   * + 1} to {@code offset + 7}, then {@code size} at {@code sizeIndex} and {@code embedding} right
   * after it); the caller binds the access statistics.
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
    ps.setBytes(sizeIndex + 1, embeddingBytes(m.embedding()));
  }

  /**
   * The {@code embedding} column of a memory: its floats as IEEE 754 single precision, big-endian,
   * 4 bytes each (the raw bits, so -0.0, subnormals and every other value round-trip exactly); null
   * for a memory without an embedding.
   */
  static byte @Nullable [] embeddingBytes(float @Nullable [] embedding) {
    if (embedding == null) {
      return null;
    }
    ByteBuffer bytes = ByteBuffer.allocate(embedding.length * Float.BYTES);
    bytes.asFloatBuffer().put(embedding);
    return bytes.array();
  }

  /**
   * Reverses {@link #embeddingBytes}.
   *
   * @throws IllegalStateException if the column holds no whole number of floats (the message names
   *     no key: this module puts none in its messages)
   */
  static float @Nullable [] embedding(byte @Nullable [] bytes) {
    if (bytes == null) {
      return null;
    }
    if (bytes.length == 0 || bytes.length % Float.BYTES != 0) {
      throw new IllegalStateException(
          "an embedding column holds "
              + bytes.length
              + " bytes, expected a positive multiple of 4 (float32, big-endian)");
    }
    float[] floats = new float[bytes.length / Float.BYTES];
    ByteBuffer.wrap(bytes).asFloatBuffer().get(floats);
    return floats;
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
