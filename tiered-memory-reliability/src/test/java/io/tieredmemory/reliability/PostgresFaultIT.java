package io.tieredmemory.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tieredmemory.core.BackendOperation;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.Operation;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.RequestResult;
import io.tieredmemory.core.SweepResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.TieredMemoryException;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.postgres.PostgresKeyCoordinator;
import io.tieredmemory.testkit.ManualClock;
import io.tieredmemory.testservers.LocalServers;
import io.tieredmemory.testservers.LocalServers.Server;
import io.tieredmemory.testservers.OwnServers;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL (WARM, the system of record) stopped with {@code pg_ctl stop -m fast}, then started
 * again on the same data directory and port. Writes must fail fast and acknowledge nothing; HOT
 * keeps serving what it holds; sweeps fail and back off; everything resumes after the restart with
 * no acknowledged write missing.
 *
 * <p>The pool is configured as docs/reliability.md says: HikariCP {@code connectionTimeout} 2 s,
 * pgjdbc {@code socketTimeout=2}, {@code connectTimeout=2}, {@code loginTimeout=2}.
 */
@OwnServers
class PostgresFaultIT {
  /** The longest a call may take while PostgreSQL is down: the pool's wait plus a margin. */
  private static final Duration FAIL_FAST =
      Fixture.PG_CONNECTION_TIMEOUT.plus(Fixture.PG_SOCKET_TIMEOUT).plusSeconds(1);

  private final LocalServers servers;
  private Fixture f;

  PostgresFaultIT(LocalServers servers) {
    this.servers = servers;
  }

  @AfterEach
  void closeStore() {
    try {
      if (!servers.alive(Server.POSTGRES)) {
        servers.startPostgres();
      }
    } finally {
      if (f != null) {
        f.close();
      }
    }
  }

  /**
   * Failed WARM calls the store made, except {@code count}: the metrics binding's background stats
   * refresh (every 200 ms here) counts WARM on its own schedule, so those failures say nothing
   * about sweeps backing off.
   */
  private long warmErrors() {
    long n = 0;
    for (BackendOperation op : BackendOperation.values()) {
      if (op != BackendOperation.COUNT) {
        n += f.rec.count("backend warm " + op.label() + " error");
      }
    }
    return n;
  }

  private static Duration time(Runnable r) {
    long start = System.nanoTime();
    r.run();
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Test
  void postgresStoppedThenStarted() {
    f = new Fixture(servers, "pg_stop");
    ManualClock clock = new ManualClock(java.time.Instant.now());
    TieredMemory store =
        f.open(
            b ->
                b.clock(clock)
                    // each put's HOT copy is made before put returns: k5..k19 are in HOT when
                    // PostgreSQL stops, and the copies of k0..k4 are not made after their removal
                    .readMoves(ReadMoves.CALLER)
                    .policy(
                        TieringPolicy.custom()
                            .promoteAfter(2, Duration.ofMinutes(1))
                            .demoteWhenIdle(Duration.ofHours(1))
                            .archiveWhenIdle(Duration.ofDays(1))
                            .build())
                    .coordinator(
                        PostgresKeyCoordinator.builder(f.pool)
                            .namespace(f.id)
                            .lockTimeout(Duration.ofSeconds(2))
                            .build()));
    Map<String, String> acked = new LinkedHashMap<>();
    for (int i = 0; i < 20; i++) {
      store.put("k" + i, "v1-" + i);
      acked.put("k" + i, "v1-" + i);
    }
    // k0..k4 only in WARM (as if demoted), k5..k19 in HOT too.
    for (int i = 0; i < 5; i++) {
      f.hot.remove("k" + i);
    }
    f.warm.flush();

    servers.stopPostgres();
    try {
      // put: fails with TieredMemoryException within the pool's connectionTimeout (+ margin); the
      // key coordinator's lock, in the same database, is the first step to fail.
      for (String key : new String[] {"k0", "k7", "new-key"}) {
        Duration took =
            time(
                () ->
                    assertThatThrownBy(() -> store.put(key, "v2-lost"))
                        .isInstanceOf(TieredMemoryException.class)
                        .hasMessageContaining("put of key '" + key + "' failed")
                        .hasMessageContaining("could not lock the key")
                        .hasMessageContaining("nothing was acknowledged"));
        System.out.println(
            "[PostgresFaultIT] put of " + key + " failed after " + took.toMillis() + " ms");
        assertThat(took).as("put while PostgreSQL is down").isLessThan(FAIL_FAST);
      }
      // HOT reads of keys already in HOT keep working, at HOT speed, with their last value.
      for (int i = 5; i < 20; i++) {
        String key = "k" + i;
        Duration took =
            time(() -> assertThat(store.get(key).map(Memory::content)).contains(acked.get(key)));
        assertThat(took).isLessThan(Duration.ofMillis(500));
      }
      // Keys only in WARM (and unknown keys) cannot be read: a clear error, as fast.
      for (String key : new String[] {"k0", "unknown"}) {
        Duration took =
            time(
                () ->
                    assertThatThrownBy(() -> store.get(key))
                        .isInstanceOf(TieredMemoryException.class)
                        .hasMessageContaining("get of key '" + key + "' failed"));
        assertThat(took).isLessThan(FAIL_FAST);
      }
      // The coordinator's failure is wrapped (see deleteThatCannotLockSaysSoAndIsCounted); the
      // key is still there after the restart.
      assertThatThrownBy(() -> store.delete("k9"))
          .isInstanceOf(TieredMemoryException.class)
          .hasMessageContaining("could not lock the key")
          .hasMessageContaining("nothing was deleted");
      assertThatThrownBy(() -> store.search("v1", 5)).isInstanceOf(TieredMemoryException.class);

      // Sweeps fail (each failed step backs off; see sweepBacksOffWhileDown), moving nothing.
      clock.advance(Duration.ofHours(2)); // every HOT memory is now idle: demotions are due
      SweepResult failed = store.sweep();
      System.out.println("[PostgresFaultIT] a sweep while PostgreSQL is down: " + failed);
      assertThat(failed.failed()).isPositive();
      assertThat(failed.demoted()).isZero();
      assertThat(f.metric("tiered_memory_sweep_duration_seconds_count", Map.of("outcome", "error")))
          .isEqualTo(1);
      assertThat(f.metric("tiered_memory_backend_errors_total", Map.of("tier", "warm")))
          .isPositive();
      assertThat(f.rec.requests(Operation.PUT, null, RequestResult.ERROR)).isEqualTo(3);
    } finally {
      servers.startPostgres();
    }

    // After the restart: writes work again (the pool may need a moment to reconnect: a put that
    // fails then acknowledged nothing and is retried), sweeps resume, nothing acknowledged is
    // missing.
    long putDeadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (true) {
      try {
        store.put("k7", "v3-7");
        break;
      } catch (TieredMemoryException e) {
        if (System.nanoTime() > putDeadline) {
          throw e;
        }
        LocalServers.sleep(200);
      }
    }
    acked.put("k7", "v3-7");
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    SweepResult sweep = store.sweep();
    while (!sweep.succeeded() && System.nanoTime() < deadline) {
      LocalServers.sleep(200);
      clock.advance(Duration.ofSeconds(30)); // failed steps back off on the store's clock
      sweep = store.sweep();
    }
    assertThat(sweep.succeeded()).as("a sweep succeeds again after the restart: " + sweep).isTrue();
    assertThat(
            f.rec.movements(Tier.HOT, Tier.WARM, io.tieredmemory.core.policy.MoveReason.HOT_IDLE))
        .as("the demotions that failed during the outage are done")
        .isEqualTo(14); // k5..k19 but k7, written again after the restart
    for (Map.Entry<String, String> e : acked.entrySet()) {
      assertThat(store.get(e.getKey()).map(Memory::content)).as(e.getKey()).contains(e.getValue());
    }
    assertThat(store.get("new-key")).as("a put that failed stored nothing").isEmpty();
    assertThat(store.get("k9")).as("a delete that failed deleted nothing").isPresent();
  }

  private TieredMemory openWithCoordinator(String name, ManualClock clock) {
    f = new Fixture(servers, name);
    return f.open(
        b ->
            b.clock(clock)
                // each put's HOT copy is made before put returns: none is left to make (or to
                // fail) once PostgreSQL is stopped
                .readMoves(ReadMoves.CALLER)
                .policy(
                    TieringPolicy.custom()
                        .demoteWhenIdle(Duration.ofHours(1))
                        .archiveWhenIdle(Duration.ofDays(1))
                        .build())
                .coordinator(
                    PostgresKeyCoordinator.builder(f.pool)
                        .namespace(f.id)
                        .lockTimeout(Duration.ofSeconds(2))
                        .build()));
  }

  /**
   * A sweep step that failed is not retried for 1 s, then 2 s, 4 s... So a sweep right after a
   * failed one must not call PostgreSQL again, nor wait for the pool's timeout again.
   *
   * <p>Fails today: {@code Sweeper.step} starts the back-off when the step <em>started</em> ({@code
   * notBefore = now + delay}, {@code now} read before the call). A step that fails by timing out
   * (here after the pool's 2 s {@code connectionTimeout}) has outlived its first 1 s back-off
   * before it even fails, so every sweep waits for every timeout again: 4 s per sweep here, two
   * steps each waiting 2 s. Fix: {@code b.notBefore = System.nanoTime() + delay} in the catch
   * block.
   */
  @Test
  void sweepBacksOffWhileDown() {
    ManualClock clock = new ManualClock(java.time.Instant.now());
    TieredMemory store = openWithCoordinator("pg_backoff", clock);
    for (int i = 0; i < 5; i++) {
      store.put("k" + i, "v" + i);
    }
    servers.stopPostgres();
    try {
      clock.advance(Duration.ofHours(2));
      SweepResult first = store.sweep();
      assertThat(first.failed()).isPositive();
      long warmErrors = warmErrors();
      SweepResult second = store.sweep();
      assertThat(second.failed()).isPositive();
      assertThat(second.took()).as("a sweep that backs off").isLessThan(Duration.ofMillis(500));
      assertThat(warmErrors()).as("PostgreSQL calls while backing off").isEqualTo(warmErrors);
    } finally {
      servers.startPostgres();
    }
  }

  /**
   * A delete that cannot take the key's lock deletes nothing: the caller should be told so, and the
   * failure should count as a delete error ({@code
   * tiered_memory_requests_total{operation="delete",tier="none",result="error"}}).
   *
   * <p>The lock is the delete's first step; its failure is wrapped like any other ("could not lock
   * the key; nothing was deleted") and counted.
   */
  @Test
  void deleteThatCannotLockSaysSoAndIsCounted() {
    TieredMemory store = openWithCoordinator("pg_delete", new ManualClock(java.time.Instant.now()));
    store.put("k", "v");
    servers.stopPostgres();
    try {
      assertThatThrownBy(() -> store.delete("k"))
          .isInstanceOf(TieredMemoryException.class)
          .hasMessageContaining("delete of key 'k'")
          .hasMessageContaining("nothing was deleted");
      assertThat(f.rec.requests(Operation.DELETE, null, RequestResult.ERROR)).isEqualTo(1);
    } finally {
      servers.startPostgres();
    }
    assertThat(store.get("k")).isPresent();
  }

  @Test
  void postgresStoppedUnderLoad() {
    f = new Fixture(servers, "pg_load");
    TieredMemory store =
        f.open(
            b ->
                b.policy(
                        TieringPolicy.custom()
                            .promoteAfter(2, Duration.ofMinutes(1))
                            .demoteWhenIdle(Duration.ofSeconds(1))
                            .archiveWhenIdle(Duration.ofDays(1))
                            .build())
                    .sweepEvery(Duration.ofMillis(200)));
    Workload w = new Workload(store, 2, 50);
    try {
      w.start();
      LocalServers.sleep(1000);
      long putErrorsBefore = w.putErrors.get();
      servers.stopPostgres();
      LocalServers.sleep(3000);
      assertThat(w.putErrors.get() - putErrorsBefore).as("puts failed while down").isPositive();
      servers.startPostgres();
      long putsAtRestart = w.puts.get();
      long putErrorsAtRestart = w.putErrors.get();
      LocalServers.sleep(2000);
      assertThat(w.puts.get() - putsAtRestart).as("puts after the restart").isPositive();
      System.out.println(
          "[PostgresFaultIT] under load: "
              + w.puts.get()
              + " puts ("
              + w.putErrors.get()
              + " failed), "
              + w.gets.get()
              + " gets ("
              + w.getErrors.get()
              + " failed), slowest put "
              + Duration.ofNanos(w.maxPutNanos.get()).toMillis()
              + " ms, slowest get "
              + Duration.ofNanos(w.maxGetNanos.get()).toMillis()
              + " ms; failed puts after restart: "
              + (w.putErrors.get() - putErrorsAtRestart));
    } finally {
      w.stop();
    }
    assertThat(w.foreignErrors.get()).as("exceptions other than TieredMemoryException").isZero();
    assertThat(w.wrongReads.get()).as("reads of a value other than the last acknowledged").isZero();
    assertThat(Duration.ofNanos(w.maxPutNanos.get())).isLessThan(FAIL_FAST);
    assertThat(Duration.ofNanos(w.maxGetNanos.get())).isLessThan(FAIL_FAST);
    assertThat(w.verify()).as("keys not reading their last acknowledged write").isEmpty();
    System.out.println("[PostgresFaultIT] what callers saw: " + w.problems);
  }
}
