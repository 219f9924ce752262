package io.tieredmemory.benchmarks;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Rows written straight into a PostgreSQL WARM table with {@code COPY}, bypassing the store: how
 * the benchmarks that need many memories held ({@link SweepScalingBenchmark}, {@link
 * WarmScaleBenchmark}) fill their tables in seconds. The table must already exist (created by
 * {@code PostgresTierStore.builder(..).build()}); rows get the columns the store writes, with no
 * embedding and empty metadata.
 */
final class WarmRows {
  private static final String COPY_COLUMNS =
      " (key, content, content_escaped, metadata, created_ns, updated_ns, version, access_count,"
          + " last_access, size) FROM STDIN";
  private static final int CHUNK = 50_000;

  /** One background memory's fields, by its index. */
  interface Background {
    String key(int i);

    String content(int i);

    long version(int i);

    long lastAccessMillis(int i);
  }

  private final DataSource pool;
  private final String table;
  private final long writtenNanos;

  /**
   * @param pool connections to the server holding {@code table}
   * @param table the store's table (a plain SQL identifier, as given to the store's builder)
   * @param writtenNanos creation and update instant of every row, in epoch nanoseconds
   */
  WarmRows(DataSource pool, String table, long writtenNanos) {
    this.pool = pool;
    this.table = table;
    this.writtenNanos = writtenNanos;
  }

  /** {@code prefix} and {@code i} zero-padded to 8 digits ({@code bg:00000042}), without format. */
  static String key(String prefix, int i) {
    if (i < 0 || i > 99_999_999) {
      throw new IllegalArgumentException("key index must be in [0, 99999999], was " + i);
    }
    char[] c = new char[prefix.length() + 8];
    prefix.getChars(0, prefix.length(), c, 0);
    for (int p = c.length - 1, v = i; p >= prefix.length(); p--, v /= 10) {
      c[p] = (char) ('0' + v % 10);
    }
    return new String(c);
  }

  /**
   * Makes the table hold exactly the {@code held} background rows, then {@code VACUUM ANALYZE}s it.
   * A table already holding {@code held} rows is taken to hold these (a later fork, or a benchmark
   * run against the same server, reuses it); any other count is truncated and reloaded in chunks of
   * {@value #CHUNK} rows. Rows a caller adds besides the background must be deleted before this is
   * called.
   */
  void loadOnce(int held, Background rows) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      long count;
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
        rs.next();
        count = rs.getLong(1);
      }
      if (count == held) {
        System.out.println("[bench] reusing " + table + " (" + held + " rows)");
        s.execute("VACUUM ANALYZE " + table);
        return;
      }
      long start = System.nanoTime();
      s.execute("TRUNCATE " + table);
      for (int from = 0; from < held; from += CHUNK) {
        StringBuilder b = new StringBuilder(CHUNK * 120);
        for (int i = from; i < Math.min(held, from + CHUNK); i++) {
          row(b, rows.key(i), rows.content(i), rows.version(i), rows.lastAccessMillis(i));
        }
        copy(b.toString());
      }
      s.execute("VACUUM ANALYZE " + table);
      System.out.printf(
          "[bench] loaded %d rows into %s in %.1f s%n",
          held, table, (System.nanoTime() - start) / 1e9);
    }
  }

  /**
   * Appends one {@code COPY} text row: never read, access count 1. Values must hold no tab, newline
   * or backslash.
   */
  void row(StringBuilder b, String key, String content, long version, long lastAccessMillis) {
    b.append(key)
        .append('\t')
        .append(content)
        .append("\tf\t{}\t")
        .append(writtenNanos)
        .append('\t')
        .append(writtenNanos)
        .append('\t')
        .append(version)
        .append("\t1\t")
        .append(lastAccessMillis)
        .append('\t')
        .append(key.length() + content.length())
        .append('\n');
  }

  /** One {@code COPY} of rows made by {@link #row}. */
  void copy(String rows) throws SQLException {
    try (Connection c = pool.getConnection()) {
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      copy.copyIn("COPY " + table + COPY_COLUMNS, new StringReader(rows));
    } catch (IOException e) {
      throw new SQLException("COPY into " + table + " failed", e);
    }
  }
}
