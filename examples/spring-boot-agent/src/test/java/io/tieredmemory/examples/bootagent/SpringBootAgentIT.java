package io.tieredmemory.examples.bootagent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.testservers.LocalServers;
import io.tieredmemory.testservers.LocalServers.Server;
import io.tieredmemory.testservers.OwnServers;
import io.tieredmemory.testservers.RealServers;
import io.tieredmemory.testservers.ScrapingPrometheus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example on real servers, switched there by properties alone (the {@code real} profile plus
 * the addresses): Redis and PostgreSQL of this class's own (so that it can stop them), the shared
 * Chroma. A real Prometheus scrapes {@code /actuator/prometheus} while the simulated agent works,
 * and every query of the shipped Grafana dashboard returns data from it; then {@code
 * /actuator/health} follows a stopped HOT (DEGRADED, 200) and a stopped WARM (DOWN, 503) while
 * liveness stays UP.
 */
@OwnServers({Server.REDIS, Server.POSTGRES})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpringBootAgentIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static ConfigurableApplicationContext app;
  private static URI base;
  private static int port;

  private final LocalServers servers;

  SpringBootAgentIT(LocalServers servers) {
    this.servers = servers;
  }

  @BeforeAll
  static void start(LocalServers servers) {
    URI redis = URI.create(servers.redisUrl());
    String run = UUID.randomUUID().toString().substring(0, 8);
    app =
        SpringApplication.run(
            AgentApplication.class,
            "--spring.profiles.active=real",
            "--server.port=0",
            "--server.address=127.0.0.1",
            "--spring.data.redis.host=" + redis.getHost(),
            "--spring.data.redis.port=" + redis.getPort(),
            "--spring.datasource.url=" + servers.jdbcUrl(),
            "--spring.datasource.username=" + servers.pgUser(),
            "--spring.datasource.password=" + servers.pgPassword(),
            "--tiered-memory.cold.chroma.url=" + RealServers.chromaUrl(),
            "--tiered-memory.cold.chroma.collection=spring_boot_agent_" + run,
            // quick enough that every movement happens within the test
            "--tiered-memory.sweep-every=1s",
            "--tiered-memory.demote-when-idle=3s",
            "--tiered-memory.archive-when-idle=6s",
            "--agent.simulator.pause-millis=5",
            "--management.endpoint.health.probes.enabled=true");
    port = ((WebServerApplicationContext) app).getWebServer().getPort();
    base = URI.create("http://127.0.0.1:" + port + "/");
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  @Order(1)
  void theTiersAreOnTheirServers() {
    TieredMemory store = app.getBean(TieredMemory.class);
    assertThat(store.tier(Tier.HOT).kind()).isEqualTo("redis");
    assertThat(store.tier(Tier.WARM).kind()).isEqualTo("postgres");
    assertThat(store.tier(Tier.COLD).kind()).isEqualTo("chroma");
  }

  @Test
  @Order(2)
  @Timeout(240)
  void everyDashboardQueryReturnsDataFromPrometheusScrapingTheActuator() throws Exception {
    List<ScrapingPrometheus.Query> queries =
        ScrapingPrometheus.dashboardQueries().stream()
            .filter(q -> !q.promql().contains("biometric_")) // the other example's own panels
            .toList();
    assertThat(queries).hasSizeGreaterThan(20);
    try (ScrapingPrometheus prometheus =
        ScrapingPrometheus.start("127.0.0.1:" + port, "/actuator/prometheus")) {
      List<String> empty = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
      do {
        Thread.sleep(3_000);
        empty.clear();
        for (ScrapingPrometheus.Query q : queries) {
          if (!prometheus.hasData(q.promql())) {
            empty.add(q.toString());
          }
        }
      } while (!empty.isEmpty() && System.nanoTime() < deadline);
      assertThat(empty).as("dashboard queries without data").isEmpty();
      long flows = 0;
      long flowDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (flows < 4 && System.nanoTime() < flowDeadline) {
        Thread.sleep(2_000);
        flows =
            prometheus.count("sum by (from, to) (increase(tiered_memory_movements_total[5m])) > 0");
      }
      assertThat(flows)
          .as("movement flows (warm->hot, hot->warm, warm->cold, cold->warm) seen")
          .isEqualTo(4);
    }
  }

  @Test
  @Order(3)
  @Timeout(120)
  void healthFollowsAStoppedHotThenAStoppedWarmAndLivenessDoesNot() throws Exception {
    awaitHealth(200, "UP", s -> s.equals("UP"));

    servers.signal(Server.REDIS, "KILL");
    JsonNode degraded = awaitHealth(200, "DEGRADED", s -> s.equals("DEGRADED"));
    assertThat(degraded.path("details").path("tiers").path("hot").path("status").asText())
        .isEqualTo("DOWN");
    assertThat(degraded.path("details").path("tiers").path("warm").path("status").asText())
        .isEqualTo("UP");
    assertLive();

    servers.restartRedis();
    awaitHealth(200, "UP", s -> s.equals("UP"));

    servers.stopPostgres();
    try {
      JsonNode down = awaitHealth(503, "DOWN", s -> s.equals("DOWN"));
      assertThat(down.path("details").path("tiers").path("warm").path("status").asText())
          .isEqualTo("DOWN");
      assertLive();
    } finally {
      servers.startPostgres();
    }
    awaitHealth(200, "UP", s -> s.equals("UP"));
  }

  /** Polls {@code /actuator/health} until the store's status matches; returns its component. */
  private static JsonNode awaitHealth(int httpStatus, String what, Predicate<String> status)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = get("actuator/health");
      JsonNode store = JSON.readTree(r.body()).path("components").path("tieredMemory");
      last = r.statusCode() + " " + store;
      if (r.statusCode() == httpStatus && status.test(store.path("status").asText())) {
        // the example ranks DEGRADED (management.endpoint.health.status.order): the whole
        // application's status is the store's, HTTP 200 for DEGRADED and 503 for DOWN
        assertThat(JSON.readTree(r.body()).path("status").asText())
            .as("the application's aggregate status")
            .isEqualTo(what);
        return store;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("health never became " + what + " (" + httpStatus + "): " + last);
  }

  private static void assertLive() throws Exception {
    HttpResponse<String> live = get("actuator/health/liveness");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(live.body()).path("status").asText()).isEqualTo("UP");
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
