package io.tieredmemory.postgres;

import io.tieredmemory.core.TieredMemoryException;
import io.tieredmemory.core.Validation;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/** Session-level advisory locks, one pooled connection per held lease. */
final class AdvisoryLockCoordinator implements PostgresKeyCoordinator {
  private static final System.Logger LOG =
      System.getLogger(AdvisoryLockCoordinator.class.getName());

  /** SQLState lock_not_available: lock_timeout expired. */
  private static final String LOCK_NOT_AVAILABLE = "55P03";

  private final DataSource dataSource;
  private final String namespace;
  private final Duration lockTimeout;
  private final byte[] namespacePrefix;

  AdvisoryLockCoordinator(DataSource dataSource, String namespace, Duration lockTimeout) {
    this.dataSource = dataSource;
    this.namespace = namespace;
    this.lockTimeout = lockTimeout;
    byte[] ns = namespace.getBytes(StandardCharsets.UTF_8);
    // Length-prefixed, so ("ab", "c") and ("a", "bc") hash differently.
    this.namespacePrefix = ByteBuffer.allocate(4 + ns.length).putInt(ns.length).put(ns).array();
  }

  @Override
  public long lockId(String key) {
    Validation.requireNonNull("key", key);
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
    sha.update(namespacePrefix);
    sha.update(key.getBytes(StandardCharsets.UTF_8));
    return ByteBuffer.wrap(sha.digest()).getLong();
  }

  @Override
  public Lease lock(String key) {
    long id = lockId(key);
    Connection c;
    try {
      c = dataSource.getConnection();
    } catch (SQLException e) {
      throw new TieredMemoryException(
          "could not get a connection to lock key hash " + hex(id) + ": " + e.getMessage(), e);
    }
    try {
      boolean autoCommit = c.getAutoCommit();
      acquire(c, id);
      return new AdvisoryLease(c, id, autoCommit);
    } catch (SQLException e) {
      if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
        discard(c, false);
        throw new TieredMemoryException(
            "could not lock key hash "
                + hex(id)
                + " (namespace '"
                + namespace
                + "') within lockTimeout "
                + lockTimeout
                + ": another process holds it",
            e);
      }
      discard(c, true);
      throw new TieredMemoryException(
          "locking key hash "
              + hex(id)
              + " failed: "
              + e.getMessage()
              + " (SQLState "
              + e.getSQLState()
              + ")",
          e);
    } catch (RuntimeException e) {
      discard(c, true);
      throw e;
    }
  }

  /**
   * Takes the lock in a short transaction whose {@code SET LOCAL lock_timeout} ends with it, so the
   * pooled connection goes back with its own settings. A session-level lock outlives the
   * transaction.
   */
  private void acquire(Connection c, long id) throws SQLException {
    c.setAutoCommit(false);
    try {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT set_config('lock_timeout', ?, true)")) {
        ps.setString(1, lockTimeout.toMillis() + "ms");
        ps.execute();
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
        ps.setLong(1, id);
        ps.execute();
      }
      c.commit();
    } catch (SQLException e) {
      try {
        c.rollback();
      } catch (SQLException r) {
        e.addSuppressed(r);
      }
      throw e;
    }
    c.setAutoCommit(true);
  }

  /**
   * Gives a connection back after a failed lock. Unless the lock is known not to be held (a
   * timeout), the session is ended first: a pooled connection must never keep a lock nobody holds a
   * lease for.
   */
  private static void discard(Connection c, boolean abort) {
    if (abort) {
      abort(c);
    }
    try {
      c.close();
    } catch (SQLException | RuntimeException e) {
      LOG.log(Level.DEBUG, "closing a connection after a failed lock failed", e);
    }
  }

  private static void abort(Connection c) {
    try {
      c.abort(Runnable::run);
    } catch (SQLException | RuntimeException e) {
      LOG.log(Level.DEBUG, "aborting a connection failed", e);
    }
  }

  static String hex(long id) {
    return String.format("0x%016x", id);
  }

  @Override
  public String toString() {
    return "PostgresKeyCoordinator[namespace=" + namespace + ", lockTimeout=" + lockTimeout + "]";
  }

  /** A held lock and the connection (session) that holds it. */
  private static final class AdvisoryLease implements Lease {
    private final Connection connection;
    private final long id;
    private final boolean autoCommit;
    private final AtomicBoolean closed = new AtomicBoolean();

    AdvisoryLease(Connection connection, long id, boolean autoCommit) {
      this.connection = connection;
      this.id = id;
      this.autoCommit = autoCommit;
    }

    @Override
    public void close() {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      try {
        unlock();
      } catch (SQLException | RuntimeException e) {
        // A connection that could not unlock may still hold the lock: returned to the pool, it
        // would keep it for as long as the pool keeps the connection. Aborting ends the session,
        // and the server releases its locks with it.
        LOG.log(
            Level.WARNING,
            "unlocking key hash " + hex(id) + " failed; ending its session to release the lock",
            e);
        abort(connection);
      } finally {
        try {
          connection.close();
        } catch (SQLException | RuntimeException e) {
          LOG.log(Level.DEBUG, "returning the connection of key hash " + hex(id) + " failed", e);
        }
      }
    }

    private void unlock() throws SQLException {
      try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next() && !rs.getBoolean(1)) {
            LOG.log(
                Level.WARNING, "key hash " + hex(id) + " was not locked by its lease's session");
          }
        }
      }
      if (!autoCommit) {
        connection.setAutoCommit(false);
      }
    }

    @Override
    public String toString() {
      return "Lease[key hash " + hex(id) + "]";
    }
  }
}
