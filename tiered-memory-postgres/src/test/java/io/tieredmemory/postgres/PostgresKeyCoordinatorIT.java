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
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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

  // ------------------------------------------------------------------ lockAll

  /** Advisory locks of this test's namespace held by any session, for the given keys. */
  private long held(PostgresKeyCoordinator c, List<String> keys) {
    long n = 0;
    for (String key : keys) {
      long id = c.lockId(key);
      n +=
          Pg.queryLong(
              pool,
              "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                  + " AND objsubid = 1 AND classid::bigint = ? AND objid::bigint = ?",
              id >>> 32,
              id & 0xffffffffL);
    }
    return n;
  }

  private static List<String> keys(String prefix, int n) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add(prefix + i);
    }
    return keys;
  }

  @Test
  void lockAll_holdsEveryKeyOnOneConnection_andClosingReleasesThemAll() {
    PostgresKeyCoordinator c = coordinator(Duration.ofSeconds(5));
    List<String> keys = keys("all-", 50);
    KeyCoordinator.Lease lease = c.lockAll(keys);
    assertThat(held(c, keys)).isEqualTo(50);
    assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isEqualTo(1);

    lease.close();
    lease.close();

    assertThat(held(c, keys)).isZero();
    assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
  }

  @Test
  void lockAll_overlappingAHeldKey_blocksUntilItIsReleased_andBlocksThatKeysLockers()
      throws Exception {
    PostgresKeyCoordinator a = coordinator(Duration.ofSeconds(20));
    PostgresKeyCoordinator b = coordinator(Duration.ofSeconds(20));
    KeyCoordinator.Lease batch = a.lockAll(List.of("x", "y", "z"));
    Future<KeyCoordinator.Lease> single = threads.submit(() -> b.lock("y"));
    Future<KeyCoordinator.Lease> other = threads.submit(() -> b.lockAll(List.of("w", "z")));
    try (KeyCoordinator.Lease free = b.lockAll(List.of("u", "v"))) {
      assertThat(free).as("disjoint batches do not wait").isNotNull();
    }

    assertThatThrownBy(() -> single.get(500, TimeUnit.MILLISECONDS))
        .isInstanceOf(TimeoutException.class);
    assertThatThrownBy(() -> other.get(100, TimeUnit.MILLISECONDS))
        .isInstanceOf(TimeoutException.class);
    batch.close();
    single.get(10, TimeUnit.SECONDS).close();
    other.get(10, TimeUnit.SECONDS).close();
    assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
  }

  @Test
  void lockAll_oneKeyHeldBeyondTheTimeout_failsAndHoldsNone() throws Exception {
    PostgresKeyCoordinator c = coordinator(Duration.ofMillis(300));
    List<String> keys = keys("partial-", 20);
    // Hold the key in the middle of the lock order, so the batch takes some locks before it waits.
    List<String> byId = new ArrayList<>(keys);
    byId.sort(Comparator.comparingLong(c::lockId));
    String busy = byId.get(10);
    try (KeyCoordinator.Lease held = c.lock(busy)) {
      Future<KeyCoordinator.Lease> waiting = threads.submit(() -> c.lockAll(keys));
      assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(TieredMemoryException.class)
          .cause()
          .hasMessageContaining("20 key hashes")
          .hasMessageContaining("PT0.3S")
          .hasMessageContaining("none is held")
          .hasMessageNotContaining("partial-");
      assertThat(held(c, keys)).as("only the other holder's lock").isEqualTo(1);
      assertThat(pool.getHikariPoolMXBean().getActiveConnections())
          .as("the failed batch returned its connection")
          .isEqualTo(1);
      assertThat(held).isNotNull();
    }
    try (KeyCoordinator.Lease all = c.lockAll(keys)) {
      assertThat(held(c, keys)).isEqualTo(20);
    }
    assertThat(lockTimeoutOfPool()).isEqualTo("0");
  }

  private String lockTimeoutOfPool() throws SQLException {
    return lockTimeout(pool);
  }

  @Test
  void lockAll_overlappingBatchesInManySessions_neverDeadlock() throws Exception {
    // PostgreSQL detects a deadlock after deadlock_timeout (1 s) and fails one of the statements;
    // batches taking their locks in one order never get there.
    PostgresKeyCoordinator c = coordinator(Duration.ofSeconds(30));
    AtomicBoolean stop = new AtomicBoolean();
    List<Future<Integer>> workers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int seed = t;
      workers.add(
          threads.submit(
              () -> {
                Random rnd = new Random(seed);
                int rounds = 0;
                while (!stop.get()) {
                  List<String> batch = new ArrayList<>();
                  for (int i = 0; i < 10; i++) {
                    batch.add("dl-" + rnd.nextInt(30));
                  }
                  Collections.shuffle(batch, rnd);
                  c.lockAll(batch).close();
                  rounds++;
                }
                return rounds;
              }));
    }
    Thread.sleep(2_500);
    stop.set(true);
    int rounds = 0;
    for (Future<Integer> f : workers) {
      rounds += f.get(30, TimeUnit.SECONDS);
    }
    assertThat(rounds).isGreaterThan(20);
    assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
  }

  @Test
  void lockAll_noKeys_borrowsNoConnection() {
    PostgresKeyCoordinator c = coordinator(Duration.ofSeconds(1));
    try (KeyCoordinator.Lease none = c.lockAll(List.of())) {
      assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
    }
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
