package io.tieredmemory.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.Operation;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.RequestResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.metrics.TieredMemoryEndpoint;
import io.tieredmemory.testservers.LocalServers;
import io.tieredmemory.testservers.LocalServers.Server;
import io.tieredmemory.testservers.OwnServers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Redis (HOT) killed with {@code kill -9} under load, then started again, empty, on the same port.
 * HOT is a cache of WARM: losing it must lose no acknowledged write, fail no read and no write, and
 * show in metrics and events; the store must use the new Redis without being restarted.
 */
@OwnServers
class RedisFaultIT {
  private final LocalServers servers;
  private Fixture f;

  RedisFaultIT(LocalServers servers) {
    this.servers = servers;
  }

  @AfterEach
  void closeStore() {
    try {
      if (!servers.alive(Server.REDIS)) {
        servers.restartRedis();
      }
    } finally {
      if (f != null) {
        f.close();
      }
    }
  }

  private static TieringPolicy policy() {
    return TieringPolicy.custom()
        .promoteAfter(2, Duration.ofMinutes(1))
        .demoteWhenIdle(Duration.ofSeconds(1))
        .archiveWhenIdle(Duration.ofDays(1))
        .build();
  }

  private long hotErrorEvents() {
    return f.rec.events().stream()
        .filter(e -> e instanceof TierEvent.BackendFailed b && b.tier() == Tier.HOT)
        .count();
  }

  private double hotErrors() {
    return f.metric("tiered_memory_backend_errors_total", Map.of("tier", "hot"));
  }

  @Test
  void redisKilledMidWorkloadThenRestartedEmpty() {
    f = new Fixture(servers, "redis_kill");
    TieredMemory store = f.open(b -> b.policy(policy()).sweepEvery(Duration.ofMillis(200)));
    Workload w = new Workload(store, 2, 100);
    try {
      w.start();
      LocalServers.sleep(1500);
      long hotHitsBefore = f.rec.requests(Operation.GET, Tier.HOT, RequestResult.HIT);
      assertThat(hotHitsBefore).as("HOT serves reads before the fault").isPositive();
      assertThat(hotErrors()).isZero();

      store.put("deleted-during-outage", "v");
      servers.signal(Server.REDIS, "KILL");
      assertThat(store.delete("deleted-during-outage")).isTrue();
      long warmHitsAtKill = f.rec.requests(Operation.GET, Tier.WARM, RequestResult.HIT);
      long putsAtKill = w.puts.get();
      LocalServers.sleep(3000);

      // During the outage: reads come from WARM, writes succeed, errors are visible.
      assertThat(w.problems).as("exceptions or wrong reads seen by callers").isEmpty();
      assertThat(f.rec.requests(Operation.GET, Tier.WARM, RequestResult.HIT) - warmHitsAtKill)
          .as("reads served by WARM while Redis is down")
          .isGreaterThan(50);
      assertThat(w.puts.get() - putsAtKill).as("puts while Redis is down").isGreaterThan(50);
      assertThat(hotErrors()).as("tiered_memory_backend_errors_total{tier=hot}").isPositive();
      assertThat(hotErrorEvents()).as("BackendFailed events for HOT").isPositive();
      assertThat(
              f.feed.recent(5000).stream().filter(e -> e.kind().equals("backend_failed")).count())
          .as("backend failures in the decision feed (/memory/events)")
          .isPositive();

      servers.restartRedis();
      long restartedAt = System.nanoTime();
      long hotHitsAtRestart = f.rec.requests(Operation.GET, Tier.HOT, RequestResult.HIT);
      long deadline = restartedAt + Duration.ofSeconds(20).toNanos();
      while (f.rec.requests(Operation.GET, Tier.HOT, RequestResult.HIT) < hotHitsAtRestart + 100
          && System.nanoTime() < deadline) {
        LocalServers.sleep(50);
      }
      Duration recovery = Duration.ofNanos(System.nanoTime() - restartedAt);
      System.out.println(
          "[RedisFaultIT] HOT hits came back " + recovery.toMillis() + " ms after restart");
      assertThat(f.rec.requests(Operation.GET, Tier.HOT, RequestResult.HIT) - hotHitsAtRestart)
          .as("HOT hits after Redis came back (within 20 s, same store, no restart)")
          .isGreaterThanOrEqualTo(100);
    } finally {
      w.stop();
    }
    assertThat(w.problems).as("exceptions or wrong reads seen by callers").isEmpty();
    assertThat(w.getErrors.get() + w.putErrors.get() + w.wrongReads.get()).isZero();
    assertThat(w.ackedKeys()).isEqualTo(200);
    assertThat(w.verify()).as("keys not reading their last acknowledged write").isEmpty();
    assertThat(store.get("deleted-during-outage")).isEmpty();
    // Each call waited at most for the refused connection; nothing waited for a timeout.
    assertThat(Duration.ofNanos(w.maxGetNanos.get())).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void endpointWhileRedisIsDown() throws Exception {
    f = new Fixture(servers, "redis_health");
    TieredMemory store = f.open(b -> b.policy(policy()));
    for (int i = 0; i < 10; i++) {
      store.put("k" + i, "v" + i);
    }
    try (TieredMemoryEndpoint endpoint =
        TieredMemoryEndpoint.builder()
            .port(0)
            .registry(f.registry)
            .feed(f.feed)
            .stores(List.of(store))
            .start()) {
      waitFor(
          () -> Http.get(endpoint.uri().resolve("/memory/stats")).body().contains("\"items\":10"));
      servers.signal(Server.REDIS, "KILL");
      for (int i = 0; i < 10; i++) {
        assertThat(store.get("k" + i)).isPresent();
      }
      LocalServers.sleep(600); // three gauge refreshes
      Http.Answer health = Http.get(endpoint.uri().resolve("/health"));
      Http.Answer stats = Http.get(endpoint.uri().resolve("/memory/stats"));
      System.out.println("[RedisFaultIT] /health while Redis is down: " + health.body());
      System.out.println("[RedisFaultIT] /memory/stats while Redis is down: " + stats.body());
      // Both answer at once: neither calls a tier.
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.took()).isLessThan(Duration.ofSeconds(1));
      assertThat(stats.status()).isEqualTo(200);
      assertThat(stats.took()).isLessThan(Duration.ofSeconds(1));
      assertThat(stats.body()).contains("\"get.warm.hit\":10");
    }
  }

  /**
   * What /health should say while a tier is down (see docs/reliability.md, "What /health says"):
   * not UP. Disabled until the endpoint tracks tier health (a change to tiered-memory-metrics,
   * proposed in the report of issue 7).
   */
  @Test
  void healthSaysDegradedWhileRedisIsDown() {
    f = new Fixture(servers, "redis_health2");
    TieredMemory store = f.open(b -> b.policy(policy()));
    store.put("k", "v");
    try (TieredMemoryEndpoint endpoint =
        TieredMemoryEndpoint.builder()
            .port(0)
            .registry(f.registry)
            .feed(f.feed)
            .stores(List.of(store))
            .start()) {
      servers.signal(Server.REDIS, "KILL");
      assertThat(store.get("k")).isPresent();
      LocalServers.sleep(600);
      Http.Answer health = Http.get(endpoint.uri().resolve("/health"));
      assertThat(health.status()).isEqualTo(200); // still serving: HOT is only a cache
      assertThat(health.body()).contains("\"status\":\"DEGRADED\"").contains("\"hot\":\"DOWN\"");
    }
  }

  /**
   * A key written again once Redis is back is served by HOT at once: the put that could not remove
   * HOT's old copy marked the key (reads skip HOT for it), and the next put whose removal succeeds
   * settles the mark under the key's lock, without waiting for a sweep that backs off after failing
   * during the outage.
   */
  @Test
  void hotServesAKeyWrittenAgainAfterRedisReturns() {
    f = new Fixture(servers, "redis_mark");
    // Each put's HOT copy is made before put returns: the test reads HOT right after the last one.
    TieredMemory store = f.open(b -> b.policy(policy()).readMoves(ReadMoves.CALLER));
    store.put("k", "v1");
    servers.signal(Server.REDIS, "KILL");
    store.put("k", "v2"); // HOT copy fails: k is marked possibly stale in HOT
    assertThat(store.sweep().failed()).isPositive(); // dropping stale HOT copies backs off
    servers.restartRedis();
    store.put("k", "v3"); // HOT holds v3
    long hotHits = f.rec.requests(Operation.GET, Tier.HOT, RequestResult.HIT);
    assertThat(store.get("k").map(io.tieredmemory.core.Memory::content)).contains("v3");
    assertThat(f.rec.requests(Operation.GET, Tier.HOT, RequestResult.HIT))
        .as("served by HOT")
        .isEqualTo(hotHits + 1);
  }

  static void waitFor(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      LocalServers.sleep(50);
    }
  }
}
