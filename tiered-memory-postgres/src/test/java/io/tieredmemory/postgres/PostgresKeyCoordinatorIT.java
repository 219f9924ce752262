package io.tieredmemory.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.core.TieredMemoryException;
import io.tieredmemory.core.spi.KeyCoordinator;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Advisory-lock leases across connections, as two service instances would hold them. */
class PostgresKeyCoordinatorIT {
  private static HikariDataSource pool;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final String ns = "it-" + System.nanoTime();

  @BeforeAll
  static void openPool() {
    pool = Pg.pool("coordinator", 6);
  }

  @AfterAll
  static void closePool() {
    if (pool != null) {
      pool.close();
    }
  }

  @AfterEach
  void stopThreads() throws InterruptedException {
    threads.shutdownNow();
    threads.awaitTermination(10, TimeUnit.SECONDS);
  }

  private PostgresKeyCoordinator coordinator(Duration timeout) {
    return PostgresKeyCoordinator.builder(pool).namespace(ns).lockTimeout(timeout).build();
  }

  @Test
  void lock_sameKey_blocksUntilTheFirstLeaseCloses() throws Exception {
    PostgresKeyCoordinator a = coordinator(Duration.ofSeconds(20));
    PostgresKeyCoordinator b = coordinator(Duration.ofSeconds(20));
    KeyCoordinator.Lease first = a.lock("user:42");
    Future<KeyCoordinator.Lease> second = threads.submit(() -> b.lock("user:42"));

    assertThatThrownBy(() -> second.get(500, TimeUnit.MILLISECONDS))
        .isInstanceOf(TimeoutException.class);
    first.close();
    second.get(10, TimeUnit.SECONDS).close();
    assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
  }

  @Test
  void lock_differentKeys_doNotBlock() throws Exception {
    PostgresKeyCoordinator c = coordinator(Duration.ofSeconds(20));
    try (KeyCoordinator.Lease held = c.lock("a")) {
      Future<KeyCoordinator.Lease> other = threads.submit(() -> c.lock("b"));
      other.get(5, TimeUnit.SECONDS).close();
      assertThat(held).isNotNull();
    }
  }

  @Test
  void lock_sameKeyOtherNamespace_doesNotBlock() throws Exception {
    PostgresKeyCoordinator c = coordinator(Duration.ofSeconds(20));
    PostgresKeyCoordinator other =
        PostgresKeyCoordinator.builder(pool).namespace(ns + "-other").build();
    try (KeyCoordinator.Lease held = c.lock("k")) {
      threads.submit(() -> other.lock("k")).get(5, TimeUnit.SECONDS).close();
      assertThat(held).isNotNull();
    }
  }

  @Test
  void lock_heldElsewhereBeyondTheTimeout_failsNamingHashAndTimeout() throws Exception {
    PostgresKeyCoordinator c = coordinator(Duration.ofMillis(300));
    try (KeyCoordinator.Lease held = c.lock("busy")) {
      long start = System.nanoTime();
      Future<KeyCoordinator.Lease> waiting = threads.submit(() -> c.lock("busy"));
      assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(TieredMemoryException.class)
          .cause()
          .hasMessageContaining(AdvisoryLockCoordinator.hex(c.lockId("busy")))
          .hasMessageContaining("PT0.3S")
          .hasMessageNotContaining("busy");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));
      assertThat(pool.getHikariPoolMXBean().getActiveConnections())
          .as("the failed attempt returned its connection")
          .isEqualTo(1);
      assertThat(held).isNotNull();
    }
  }

  @Test
  void lease_returnsItsConnectionWithItsOwnLockTimeout() throws Exception {
    try (HikariDataSource single = Pg.pool("single", 1)) {
      PostgresKeyCoordinator c =
          PostgresKeyCoordinator.builder(single)
              .namespace(ns)
              .lockTimeout(Duration.ofMillis(200))
              .build();
      c.lock("k").close();
      assertThat(lockTimeout(single)).isEqualTo("0");

      KeyCoordinator.Lease held = coordinator(Duration.ofSeconds(5)).lock("k");
      assertThatThrownBy(() -> c.lock("k")).isInstanceOf(TieredMemoryException.class);
      held.close();
      assertThat(lockTimeout(single)).as("after a timed-out attempt too").isEqualTo("0");
    }
  }

  private static String lockTimeout(HikariDataSource ds) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW lock_timeout")) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void lease_closeAfterItsConnectionDied_doesNotThrow_andTheLockIsFree() throws Exception {
    PostgresKeyCoordinator c = coordinator(Duration.ofSeconds(5));
    long id = c.lockId("doomed");
    KeyCoordinator.Lease lease = c.lock("doomed");
    long holder =
        Pg.queryLong(
            pool,
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1"
                + " AND classid::bigint = ? AND objid::bigint = ?",
            id >>> 32,
            id & 0xffffffffL);
    Pg.execute(pool, "SELECT pg_terminate_backend(?::int)", holder);

    lease.close();
    lease.close();

    threads.submit(() -> c.lock("doomed")).get(5, TimeUnit.SECONDS).close();
  }

  @Test
  void lockId_isStableAndSeparatesNamespaces() {
    PostgresKeyCoordinator c = coordinator(Duration.ofSeconds(1));
    assertThat(c.lockId("k")).isEqualTo(coordinator(Duration.ofSeconds(2)).lockId("k"));
    assertThat(c.lockId("k")).isNotEqualTo(c.lockId("k2"));
    assertThat(c.lockId("k"))
        .isNotEqualTo(PostgresKeyCoordinator.builder(pool).namespace(ns + "x").build().lockId("k"));
  }
}
