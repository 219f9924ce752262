package io.tieredmemory.postgres;

import io.tieredmemory.core.internal.Validation;
import io.tieredmemory.core.spi.KeyCoordinator;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * A {@link KeyCoordinator} on PostgreSQL session-level advisory locks, for several service
 * instances sharing the same tiers. {@link #lock(String)} borrows a connection, takes {@code
 * pg_advisory_lock} on a 64-bit hash of (namespace, key) and keeps that connection until the lease
 * is closed, which unlocks and returns it. If the process dies, the database ends the session and
 * the lock goes with it.
 *
 * <pre>{@code
 * KeyCoordinator coordinator = PostgresKeyCoordinator.builder(pool)
 *     .namespace("agent")
 *     .lockTimeout(Duration.ofSeconds(10))
 *     .build();
 * try (KeyCoordinator.Lease lease = coordinator.lock("user:42")) {
 *   // no other instance holds user:42 here
 * }
 * }</pre>
 *
 * <p>{@link #lockAll} locks a batch (a sweep's archive batch) on one connection with one statement,
 * in ascending lock id order so overlapping batches of different instances cannot deadlock, and
 * unlocks it with one statement; {@code lockTimeout} bounds the wait for each lock of the batch.
 *
 * <p>Every held lease holds a pooled connection: size the pool for the leases held at once plus the
 * connections the work under them needs (or give the coordinator a pool of its own). Two keys whose
 * hashes collide share a lock; that only serialises them.
 */
public interface PostgresKeyCoordinator extends KeyCoordinator {

  /**
   * The advisory lock id for {@code key}: the first 8 bytes of SHA-256 over the namespace and key.
   */
  long lockId(String key);

  /**
   * A builder for a coordinator on {@code dataSource}.
   *
   * @throws IllegalArgumentException if {@code dataSource} is null
   */
  static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * Configures a {@link PostgresKeyCoordinator}. Every setter fails fast, naming the field and
   * value.
   *
   * <pre>{@code
   * PostgresKeyCoordinator.builder(pool).namespace("agent").build();
   * }</pre>
   */
  final class Builder {
    /** The default namespace. */
    public static final String DEFAULT_NAMESPACE = "tiered-memory";

    /** The longest lock timeout PostgreSQL accepts, in milliseconds. */
    static final long MAX_TIMEOUT_MILLIS = Integer.MAX_VALUE;

    private final DataSource dataSource;
    private String namespace = DEFAULT_NAMESPACE;
    private Duration lockTimeout = Duration.ofSeconds(10);

    private Builder(DataSource dataSource) {
      this.dataSource = Validation.requireNonNull("dataSource", dataSource);
    }

    /**
     * Separates these locks from other users of advisory locks in the same database, and stores
     * from each other (default {@value #DEFAULT_NAMESPACE}); use the store's name.
     */
    public Builder namespace(String namespace) {
      this.namespace = Validation.requireNonBlank("namespace", namespace);
      return this;
    }

    /**
     * How long {@code lock} waits for another holder before failing (default 10 s; at least 1 ms,
     * at most {@code Integer.MAX_VALUE} ms).
     */
    public Builder lockTimeout(Duration timeout) {
      Validation.requirePositive("lockTimeout", timeout);
      if (timeout.compareTo(Duration.ofMillis(1)) < 0
          || timeout.compareTo(Duration.ofMillis(MAX_TIMEOUT_MILLIS)) > 0) {
        throw new IllegalArgumentException(
            "lockTimeout must be between 1 ms and "
                + Duration.ofMillis(MAX_TIMEOUT_MILLIS)
                + ", was "
                + timeout);
      }
      this.lockTimeout = timeout;
      return this;
    }

    /** The coordinator; nothing is opened until the first {@code lock}. */
    public PostgresKeyCoordinator build() {
      return new AdvisoryLockCoordinator(dataSource, namespace, lockTimeout);
    }

    @Override
    public String toString() {
      return "PostgresKeyCoordinator.Builder[namespace="
          + namespace
          + ", lockTimeout="
          + lockTimeout
          + "]";
    }
  }
}
