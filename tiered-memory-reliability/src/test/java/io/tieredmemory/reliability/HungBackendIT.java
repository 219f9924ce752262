package io.tieredmemory.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.TieredMemoryException;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.metrics.TieredMemoryEndpoint;
import io.tieredmemory.testservers.LocalServers;
import io.tieredmemory.testservers.LocalServers.Server;
import io.tieredmemory.testservers.OwnServers;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A hung backend ({@code kill -STOP}: the server keeps its sockets open and answers nothing, like a
 * stuck disk or a long GC pause) cannot block callers beyond the timeouts configured in the
 * clients, as docs/reliability.md tells users to set them: Jedis' socket timeout, pgjdbc's {@code
 * socketTimeout} with HikariCP's {@code connectionTimeout}, the Chroma store's {@code timeout}.
 * Each call is run with a hard cap of 30 s so that a call that does hang fails the test rather than
 * the build.
 */
@OwnServers
class HungBackendIT {
  /** Slack for scheduling on a loaded 2-core machine. */
  private static final Duration MARGIN = Duration.ofSeconds(1);

  private static final ExecutorService CALLER = Executors.newCachedThreadPool();
  private final LocalServers servers;
  private Fixture f;

  HungBackendIT(LocalServers servers) {
    this.servers = servers;
  }

  /** Runs before {@link OwnServers} stops the servers. */
  @AfterAll
  static void stopCaller() {
    CALLER.shutdownNow();
  }

  @AfterEach
  void closeStore() {
    servers.resumeAll();
    if (f != null) {
      f.close();
    }
  }

  /** What one call did, and how long it took. */
  record Outcome<T>(T value, RuntimeException error, Duration took) {
    Outcome<T> tookAtMost(Duration limit) {
      assertThat(took).as("call took").isLessThan(limit);
      return this;
    }
  }

  private static <T> Outcome<T> call(Callable<T> body) {
    long start = System.nanoTime();
    Future<T> future = CALLER.submit(body);
    try {
      T value = future.get(30, TimeUnit.SECONDS);
      return new Outcome<>(value, null, Duration.ofNanos(System.nanoTime() - start));
    } catch (java.util.concurrent.ExecutionException e) {
      RuntimeException cause =
          e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
      return new Outcome<>(null, cause, Duration.ofNanos(System.nanoTime() - start));
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new AssertionError("the call was still blocked after 30 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private TieredMemory open(String name) {
    f = new Fixture(servers, name);
    return f.open(
        b ->
            // each put's HOT copy is made before put returns: the tests hang a server right after
            // the puts and rely on which keys HOT holds (and no copy is left to make meanwhile)
            b.readMoves(ReadMoves.CALLER)
                .policy(
                    TieringPolicy.custom()
                        .neverPromote()
                        .demoteWhenIdle(Duration.ofHours(1))
                        .archiveWhenIdle(Duration.ofDays(1))
                        .build()));
  }

  private static void log(String what, Outcome<?> o) {
    System.out.println(
        "[HungBackendIT] "
            + what
            + ": "
            + o.took().toMillis()
            + " ms, "
            + (o.error() == null ? "returned " + o.value() : "threw " + o.error()));
  }

  @Test
  void redisHung() {
    TieredMemory store = open("hung_redis");
    for (int i = 0; i < 5; i++) {
      store.put("k" + i, "v" + i);
    }
    // Twice the socket timeout: when a call times out, Jedis returns the broken connection to its
    // pool, and commons-pool replaces it at once, in the caller's thread; that new connection's
    // handshake (HELLO) times out too. Measured: 1,0 s for the first call, 0,5 s for the next.
    Duration limit = Fixture.REDIS_TIMEOUT.multipliedBy(2).plus(MARGIN);
    try (TieredMemoryEndpoint endpoint =
        TieredMemoryEndpoint.builder()
            .port(0)
            .registry(f.registry)
            .feed(f.feed)
            .stores(List.of(store))
            .start()) {
      servers.suspend(Server.REDIS);
      try {
        // A read of a HOT key waits for Jedis' socket timeout, then WARM answers.
        for (int i = 0; i < 3; i++) {
          String key = "k" + i;
          Outcome<Optional<Memory>> get = call(() -> store.get(key)).tookAtMost(limit);
          log("get of a HOT key, Redis hung", get);
          assertThat(get.error()).isNull();
          assertThat(get.value().map(Memory::content)).contains("v" + i);
        }
        // A write: WARM stores it, the HOT copy times out, the put succeeds.
        Outcome<Memory> put = call(() -> store.put("k0", "v0-new")).tookAtMost(limit);
        log("put, Redis hung", put);
        assertThat(put.error()).isNull();
        // The key's HOT copy is stale now: reads skip HOT for it, without waiting.
        Outcome<Optional<Memory>> again = call(() -> store.get("k0")).tookAtMost(limit);
        assertThat(again.value().map(Memory::content)).contains("v0-new");
        // Neither endpoint waits for Redis: they read what the background refresh last saw.
        Http.Answer health = Http.get(endpoint.uri().resolve("/health"));
        Http.Answer stats = Http.get(endpoint.uri().resolve("/memory/stats"));
        assertThat(health.took()).isLessThan(Duration.ofSeconds(1));
        assertThat(stats.took()).isLessThan(Duration.ofSeconds(1));
        System.out.println("[HungBackendIT] /health with Redis hung: " + health.body());
      } finally {
        servers.resumeAll();
      }
    }
    // Once Redis answers again, the write that timed out on its way to HOT is not served stale.
    assertThat(store.get("k0").map(Memory::content)).contains("v0-new");
    store.sweep();
    assertThat(store.get("k0").map(Memory::content)).contains("v0-new");
  }

  @Test
  void postgresHung() {
    TieredMemory store = open("hung_pg");
    for (int i = 0; i < 5; i++) {
      store.put("k" + i, "v" + i);
    }
    f.hot.remove("k4"); // k4 only in WARM
    // A put waits at most for a pooled connection (connectionTimeout, plus one validation of an
    // idle connection, validationTimeout 1 s), then for its statement (socketTimeout).
    Duration limit =
        Fixture.PG_CONNECTION_TIMEOUT
            .plus(Duration.ofSeconds(1))
            .plus(Fixture.PG_SOCKET_TIMEOUT)
            .plus(MARGIN);
    servers.suspend(Server.POSTGRES);
    try {
      Outcome<Memory> put = call(() -> store.put("k1", "lost")).tookAtMost(limit);
      log("put, PostgreSQL hung", put);
      assertThat(put.error()).isInstanceOf(TieredMemoryException.class);
      Outcome<Memory> put2 = call(() -> store.put("k2", "lost")).tookAtMost(limit);
      log("second put, PostgreSQL hung", put2);
      assertThat(put2.error()).isInstanceOf(TieredMemoryException.class);
      // HOT keys are read without PostgreSQL.
      Outcome<Optional<Memory>> hot = call(() -> store.get("k3")).tookAtMost(MARGIN);
      assertThat(hot.value().map(Memory::content)).contains("v3");
      Outcome<Optional<Memory>> warmOnly = call(() -> store.get("k4")).tookAtMost(limit);
      log("get of a WARM key, PostgreSQL hung", warmOnly);
      assertThat(warmOnly.error()).isInstanceOf(TieredMemoryException.class);
      Outcome<?> search = call(() -> store.search("v3", 3)).tookAtMost(limit);
      log("search, PostgreSQL hung", search);
      assertThat(search.error()).isInstanceOf(TieredMemoryException.class);
    } finally {
      servers.resumeAll();
    }
    // Afterwards the store works again. A put that timed out was not acknowledged, but its
    // statement reached PostgreSQL and may run once it resumes: either value may be read, and
    // every read agrees, before and after a sweep (HOT's old copy went before WARM was asked).
    Optional<String> k1 = store.get("k1").map(Memory::content);
    assertThat(k1.orElseThrow()).isIn("v1", "lost");
    store.sweep();
    assertThat(store.get("k1").map(Memory::content)).isEqualTo(k1);
    assertThat(store.get("k4").map(Memory::content)).contains("v4");
    store.put("k1", "v1-new");
    assertThat(store.get("k1").map(Memory::content)).contains("v1-new");
  }

  @Test
  void chromaHung() {
    TieredMemory store = open("hung_chroma");
    store.put("k", "some memory about chroma");
    Duration limit = Fixture.CHROMA_TIMEOUT.plus(MARGIN);
    servers.suspend(Server.CHROMA);
    try {
      Outcome<?> search = call(() -> store.search("memory", 3)).tookAtMost(limit);
      log("search, Chroma hung", search);
      assertThat(search.error())
          .isInstanceOf(TieredMemoryException.class)
          .hasMessageContaining("Chroma");
      // WARM knows the key exists nowhere: Chroma is not asked.
      Outcome<Optional<Memory>> miss = call(() -> store.get("nowhere")).tookAtMost(MARGIN);
      log("get of a key in no tier, Chroma hung", miss);
      assertThat(miss.value()).isEmpty();
      Outcome<Optional<Memory>> hit = call(() -> store.get("k")).tookAtMost(MARGIN);
      assertThat(hit.value()).isPresent();
      Outcome<Memory> put = call(() -> store.put("k2", "written")).tookAtMost(MARGIN);
      assertThat(put.error()).isNull();
    } finally {
      servers.resumeAll();
    }
    assertThat(store.search("memory", 3)).isNotEmpty();
  }
}
