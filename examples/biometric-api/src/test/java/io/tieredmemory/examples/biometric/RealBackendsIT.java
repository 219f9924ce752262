package io.tieredmemory.examples.biometric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.tieredmemory.core.StoreStats;
import io.tieredmemory.core.Tier;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The service on real Redis, PostgreSQL and Chroma (from {@code TM_REDIS_URL}, {@code
 * TM_PG_JDBC_URL}, {@code TM_PG_USER}, {@code TM_PG_PASSWORD}, {@code TM_CHROMA_URL}): a webhook
 * goes in, comes back, is found, and the simulator moves memories through all three servers.
 *
 * <p>{@code scripts/test.sh} starts the servers and sets the variables; without them the test
 * fails, never skips, naming what is missing. Each run uses its own Redis prefix, table and
 * collection.
 */
class RealBackendsIT {

  @Test
  @Timeout(120)
  void service_onRealServers_storesReadsSearchesAndMoves() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put(ServiceConfig.PORT, "0");
    env.put(ServiceConfig.REDIS_PREFIX, "tm:biometric-it-" + run + ":");
    env.put(ServiceConfig.PG_TABLE, "biometric_it_" + run);
    env.put(ServiceConfig.CHROMA_COLLECTION, "biometric-it-" + run);
    ServiceConfig config = ServiceConfig.load(env, new Properties());
    try {
      config.requireReal();
    } catch (ServiceConfig.ConfigException e) {
      fail(e.getMessage() + " (scripts/test.sh starts the servers and sets them)");
    }

    BiometricService.Settings settings =
        BiometricService.Settings.scaled(config, 0.3).withFaultRate(0);
    try (BiometricService service = BiometricService.start(settings)) {
      StoreStats stats = service.store().stats();
      assertThat(stats.tier(Tier.HOT).kind()).isEqualTo("redis");
      assertThat(stats.tier(Tier.WARM).kind()).isEqualTo("postgres");
      assertThat(stats.tier(Tier.COLD).kind()).isEqualTo("chroma");

      TestHttp http = new TestHttp(service.uri());
      Instant at = Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.MILLIS);
      TestHttp.Response created =
          http.post(
              "/webhooks/garmin",
              "{\"userId\":\"u-42\",\"metric\":\"steps\",\"value\":4200,\"timestamp\":\""
                  + at
                  + "\"}");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      String key = created.json().path("key").asText();
      assertThat(http.get("/memories/" + key).json().path("content").asText())
          .isEqualTo("step count 4200 steps for user u-42 at " + at + " (from garmin)");
      assertThat(
              http.get("/memories?query=step+count+u-42")
                  .json()
                  .path("results")
                  .get(0)
                  .path("key")
                  .asText())
          .isEqualTo(key);
      assertThat(http.post("/webhooks/garmin", "{\"userId\":\"u-42\"}").status()).isEqualTo(400);

      SimulatedAgent agent =
          new SimulatedAgent(
              service.uri(),
              11,
              settings.policy().archive().idle().plus(settings.sweepEvery().multipliedBy(2)));
      agent.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline && !everyMoveSeen(http)) {
        Thread.sleep(500);
      }
      agent.close();

      assertThat(everyMoveSeen(http))
          .as(ProgressLine.render(service.registry(), Duration.ZERO) + " " + agent.statuses())
          .isTrue();
      assertThat(agent.failures()).as(String.valueOf(agent.lastFailure())).isZero();
      String metrics = http.get("/metrics").body();
      for (String tier : new String[] {"hot", "warm", "cold"}) {
        assertThat(metrics)
            .as("backend latency of the %s tier", tier)
            .containsPattern(
                "tiered_memory_backend_duration_seconds_count\\{[^}]*tier=\"" + tier + "\"");
      }
    }
  }

  private static boolean everyMoveSeen(TestHttp http) {
    // The demo's store has kinds: a kind label sits between from and reason (labels are sorted).
    for (String[] flow :
        new String[][] {
          {"warm", "read_frequency"},
          {"hot", "hot_idle"},
          {"warm", "warm_idle"},
          {"cold", "cold_read"}
        }) {
      if (!http.get("/metrics")
          .body()
          .matches(
              "(?s).*tiered_memory_movements_total\\{from=\""
                  + flow[0]
                  + "\",(kind=\"[^\"]*\",)?reason=\""
                  + flow[1]
                  + "\"[^}]*\\} [1-9].*")) {
        return false;
      }
    }
    return true;
  }
}
