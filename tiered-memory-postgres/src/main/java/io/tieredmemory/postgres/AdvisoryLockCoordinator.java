package io.tieredmemory.postgres;

import io.tieredmemory.core.TieredMemoryException;
import io.tieredmemory.core.internal.Validation;
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
import java.util.Collection;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/** Session-level advisory locks, one pooled connection per held lease. */
final class AdvisoryLockCoordinator implements PostgresKeyCoordinator {
  private static final System.Logger LOG =
      System.getLogger(AdvisoryLockCoordinator.class.getName());

  /** SQLState lock_not_available: lock_timeout expired. */
  private static final String LOCK_NOT_AVAILABLE = "55P03";

  /** Locks a batch in ascending id order (see {@link #lockAll}). */
  private static final String LOCK_ALL =
      "SELECT pg_advisory_lock(id) FROM unnest(?::bigint[]) AS t(id) ORDER BY id";

  private static final String UNLOCK = "SELECT pg_advisory_unlock(?)";

  /** One key, when free: one round trip, nothing to wait for, so no lock_timeout to set. */
  private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(?)";

  private static final String UNLOCK_ALL =
      "SELECT pg_advisory_unlock(id) FROM unnest(?::bigint[]) AS t(id)";

  /** The lease of an empty batch. */
  private static final Lease NOTHING = () -> {};

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
    return lease(new long[] {lockId(key)});
  }

  /**
   * One connection and one statement for the whole batch: {@code SELECT pg_advisory_lock(id) FROM
   * unnest(ids) ORDER BY id}. The ids are distinct and the locks are taken in ascending id order (a
   * volatile function in the select list is evaluated after the sort, since PostgreSQL 9.6), the
   * same order in every process, so two overlapping batches cannot deadlock. {@code lock_timeout}
   * bounds the wait for each lock, not for the batch. If one lock times out, the session-level
   * locks already taken are not released by the rollback (advisory locks ignore transactions), so
   * {@code pg_advisory_unlock_all()} releases them before the connection goes back; if that fails,
   * the session is ended.
   */
  @Override
  public Lease lockAll(Collection<String> keys) {
    TreeSet<Long> sorted = new TreeSet<>();
    for (String key : keys) {
      sorted.add(lockId(key));
    }
    if (sorted.isEmpty()) {
      return NOTHING;
    }
    long[] ids = new long[sorted.size()];
    int i = 0;
    for (long id : sorted) {
      ids[i++] = id;
    }
    return lease(ids);
  }

  private Lease lease(long[] ids) {
    Connection c;
    try {
      c = dataSource.getConnection();
    } catch (SQLException e) {
      throw new TieredMemoryException(
          "could not get a connection to lock " + describe(ids) + ": " + e.getMessage(), e);
    }
    try {
      boolean autoCommit = c.getAutoCommit();
      // Every put takes a key's lock, and another process rarely holds it: try first, in the
      // connection's auto-commit mode (one round trip), and wait with lock_timeout only if taken.
      if (ids.length == 1 && autoCommit && tryLock(c, ids[0])) {
        return new AdvisoryLease(c, ids, autoCommit);
      }
      acquire(c, ids);
      return new AdvisoryLease(c, ids, autoCommit);
    } catch (SQLException e) {
      if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
        // One id: nothing is held. Several: those before the one that timed out still are.
        discard(c, ids.length > 1 && !unlockAll(c));
        throw new TieredMemoryException(
            "could not lock "
                + describe(ids)
                + " (namespace '"
                + namespace
                + "') within lockTimeout "
                + lockTimeout
                + ": another process holds "
                + (ids.length == 1 ? "it" : "one of them; none is held"),
            e);
      }
      discard(c, true);
      throw new TieredMemoryException(
          "locking "
              + describe(ids)
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

  private static boolean tryLock(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(TRY_LOCK)) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /** "key hash 0x..." for one id, "N key hashes 0x... to 0x..." for several. */
  static String describe(long[] ids) {
    if (ids.length == 1) {
      return "key hash " + hex(ids[0]);
    }
    return ids.length + " key hashes " + hex(ids[0]) + " to " + hex(ids[ids.length - 1]);
  }

  /** Releases every advisory lock of the session; whether that worked. */
  private static boolean unlockAll(Connection c) {
    try {
      c.setAutoCommit(true);
      try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock_all()")) {
        ps.execute();
      }
      return true;
    } catch (SQLException | RuntimeException e) {
      LOG.log(Level.DEBUG, "releasing the locks of a timed-out batch failed", e);
      return false;
    }
  }

  /**
   * Takes the locks in a short transaction whose {@code SET LOCAL lock_timeout} ends with it, so
   * the pooled connection goes back with its own settings. A session-level lock outlives the
   * transaction.
   */
  private void acquire(Connection c, long[] ids) throws SQLException {
    c.setAutoCommit(false);
    try {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT set_config('lock_timeout', ?, true)")) {
        ps.setString(1, lockTimeout.toMillis() + "ms");
        ps.execute();
      }
      if (ids.length == 1) {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
          ps.setLong(1, ids[0]);
          ps.execute();
        }
      } else {
        try (PreparedStatement ps = c.prepareStatement(LOCK_ALL)) {
          ps.setArray(1, c.createArrayOf("bigint", boxed(ids)));
          ps.execute();
        }
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

  private static Long[] boxed(long[] ids) {
    Long[] out = new Long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = ids[i];
    }
    return out;
  }

  /** Held locks and the connection (session) that holds them. */
  private static final class AdvisoryLease implements Lease {
    private final Connection connection;
    private final long[] ids;
    private final boolean autoCommit;
    private final AtomicBoolean closed = new AtomicBoolean();

    AdvisoryLease(Connection connection, long[] ids, boolean autoCommit) {
      this.connection = connection;
      this.ids = ids;
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
            "unlocking " + describe(ids) + " failed; ending its session to release the locks",
            e);
        abort(connection);
      } finally {
        try {
          connection.close();
        } catch (SQLException | RuntimeException e) {
          LOG.log(Level.DEBUG, "returning the connection of " + describe(ids) + " failed", e);
        }
      }
    }

    private void unlock() throws SQLException {
      boolean one = ids.length == 1;
      try (PreparedStatement ps = connection.prepareStatement(one ? UNLOCK : UNLOCK_ALL)) {
        if (one) {
          ps.setLong(1, ids[0]);
        } else {
          ps.setArray(1, connection.createArrayOf("bigint", boxed(ids)));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (!rs.getBoolean(1)) {
              LOG.log(
                  Level.WARNING, describe(ids) + ": a lock was not held by its lease's session");
            }
          }
        }
      }
      if (!autoCommit) {
        connection.setAutoCommit(false);
      }
    }

    @Override
    public String toString() {
      return "Lease[" + describe(ids) + "]";
    }
  }
}
