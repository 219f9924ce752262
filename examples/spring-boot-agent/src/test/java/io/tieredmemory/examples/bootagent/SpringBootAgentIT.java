package io.tieredmemory.examples.bootagent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.prometheus.metrics.tracer.common.SpanContext;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.testservers.HeadlessChromium;
import io.tieredmemory.testservers.LocalServers;
import io.tieredmemory.testservers.LocalServers.Server;
import io.tieredmemory.testservers.OwnServers;
import io.tieredmemory.testservers.RealServers;
import io.tieredmemory.testservers.ScrapingPrometheus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The example on real servers, switched there by properties alone (the {@code real} profile plus
 * the addresses): Redis and PostgreSQL of this class's own (so that it can stop them), the shared
 * Chroma. While the simulated agent works: every call is a span, exported through the OpenTelemetry
 * SDK's in-memory exporter with the GenAI memory attributes, under the HTTP request's span; the
 * live view, served by the application's own server, loads in headless Chromium and moves; a real
 * Prometheus scrapes {@code /actuator/prometheus} and every query of the shipped Grafana dashboard
 * returns data from it. Then {@code /actuator/health} follows a stopped HOT (DEGRADED, 200) and a
 * stopped WARM (DOWN, 503) while liveness stays UP.
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
            new Class<?>[] {AgentApplication.class, SpanCapture.class},
            new String[] {
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
              "--management.endpoint.health.probes.enabled=true",
              "--management.tracing.sampling.probability=1.0"
            });
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
  @Timeout(60)
  void everyCallIsASpanWithTheGenAiMemoryAttributesUnderTheHttpRequest() throws Exception {
    InMemorySpanExporter spans = app.getBean(InMemorySpanExporter.class);
    assertThat(send("PUT", "memories/it:span", "traced fact").statusCode()).isEqualTo(200);
    assertThat(send("PUT", "memories/it:span", "traced fact, again").statusCode()).isEqualTo(200);
    assertThat(send("GET", "memories/it:span", null).statusCode()).isEqualTo(200);
    assertThat(send("DELETE", "memories/it:span", null).statusCode()).isEqualTo(204);

    // each a child of the HTTP request's span (Spring MVC's server observation), same trace
    SpanData create =
        awaitSpan(
            spans, "create_memory spring-boot-agent", under(spans, "http put /memories/{key}"));
    assertThat(create.getAttributes().asMap())
        .containsEntry(AttributeKey.stringKey("gen_ai.operation.name"), "create_memory")
        .containsEntry(AttributeKey.stringKey("gen_ai.memory.store.id"), "spring-boot-agent")
        .containsEntry(AttributeKey.stringKey("tiered_memory.tier"), "warm")
        .containsEntry(AttributeKey.stringKey("tiered_memory.result"), "success")
        .doesNotContainKey(AttributeKey.stringKey("gen_ai.memory.record.id"));
    awaitSpan(spans, "update_memory spring-boot-agent", under(spans, "http put /memories/{key}"));
    SpanData get =
        awaitSpan(
            spans, "search_memory spring-boot-agent", under(spans, "http get /memories/{key}"));
    assertThat(get.getAttributes().asMap())
        .containsEntry(AttributeKey.stringKey("tiered_memory.operation"), "get")
        .containsEntry(AttributeKey.stringKey("tiered_memory.result"), "hit");
    awaitSpan(
        spans, "delete_memory spring-boot-agent", under(spans, "http delete /memories/{key}"));
    // the simulated agent's searches, and the sweeps' movements with their from, to and reason
    awaitSpan(
        spans,
        "search_memory spring-boot-agent",
        s ->
            "search"
                .equals(s.getAttributes().get(AttributeKey.stringKey("tiered_memory.operation"))));
    SpanData demote = awaitSpan(spans, "demote spring-boot-agent", s -> true);
    assertThat(demote.getAttributes().asMap())
        .containsEntry(AttributeKey.stringKey("tiered_memory.move.from"), "hot")
        .containsEntry(AttributeKey.stringKey("tiered_memory.move.to"), "warm")
        .containsEntry(AttributeKey.stringKey("tiered_memory.move.reason"), "hot_idle");
    awaitSpan(spans, "sweep spring-boot-agent", s -> true);
    spans.reset(); // the simulated agent goes on: do not keep its spans for the rest of the class
  }

  @Test
  @Order(3)
  @Timeout(90)
  void theLiveViewUnderTheApplicationsOwnServerLoadsCleanlyAndMoves() throws Exception {
    try (HeadlessChromium browser = HeadlessChromium.start()) {
      ChromeDriver driver = browser.driver();
      driver.get(base.resolve("tiered-memory/").toString());
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(40));
      assertThat(driver.getTitle()).contains("tiered-memory");
      wait.until(d -> d.findElement(By.id("status")).getAttribute("class").contains("live"));
      wait.until(d -> tierCounts(d) != null);
      List<Long> first = tierCounts(driver);
      wait.until(d -> tierCounts(d) != null && !tierCounts(d).equals(first));
      wait.until(d -> d.findElement(By.id("feed")).getText().contains("demoted hot → warm"));
      wait.until(d -> d.findElement(By.id("feed")).getText().contains("promoted warm → hot"));
      assertThat(driver.findElement(By.id("policy")).getText()).contains("promote after 2 reads");
      assertThat(driver.findElement(By.id("events-url")).getText())
          .isEqualTo("/tiered-memory/events");
      Path shot = Path.of("target", "spring-boot-live-view.png");
      Files.createDirectories(shot.getParent());
      Files.copy(
          driver.getScreenshotAs(OutputType.FILE).toPath(),
          shot,
          StandardCopyOption.REPLACE_EXISTING);
      assertThat(browser.consoleErrors()).as("browser console errors").isEmpty();
    }
  }

  /** The live view's three tier counts if all are numbers, else null. */
  private static List<Long> tierCounts(WebDriver d) {
    List<Long> counts = new ArrayList<>();
    for (String tier : new String[] {"hot", "warm", "cold"}) {
      String t = d.findElement(By.id("items-" + tier)).getText().trim();
      if (!t.matches("\\d+")) {
        return null;
      }
      counts.add(Long.parseLong(t));
    }
    return counts;
  }

  @Test
  @Order(4)
  @Timeout(240)
  void everyDashboardQueryReturnsDataFromPrometheusScrapingTheActuator() throws Exception {
    List<ScrapingPrometheus.Query> queries =
        ScrapingPrometheus.dashboardQueries().stream()
            .filter(q -> !q.promql().contains("biometric_")) // the other example's own panels
            .toList();
    assertThat(queries).hasSizeGreaterThan(20);
    try (ScrapingPrometheus prometheus =
        ScrapingPrometheus.start("127.0.0.1:" + port, "/actuator/prometheus")) {
      List<String> empty =
          prometheus.awaitData(queries, Duration.ofSeconds(150), Duration.ofMillis(3_000));
      assertThat(empty)
          .as("dashboard queries without data; targets: %s", prometheus.targets())
          .isEmpty();
      // The plan backlog panel shows a backlog, not only zeros: sweeps found archives due.
      List<String> noArchivesDue =
          prometheus.awaitData(
              List.of(
                  new ScrapingPrometheus.Query(
                      "Plan backlog",
                      "archives_due",
                      "max_over_time(tiered_memory_plan_pending{reason=\"warm_idle\"}[5m]) > 0")),
              Duration.ofSeconds(60),
              Duration.ofMillis(3_000));
      assertThat(noArchivesDue)
          .as("archives due in a sweep's plan (tiered_memory_plan_pending) seen")
          .isEmpty();
      long flows = prometheus.awaitMovementFlows(Duration.ofSeconds(60));
      assertThat(flows)
          .as("movement flows (warm->hot, hot->warm, warm->cold, cold->warm) seen")
          .isEqualTo(4);
    }
  }

  @Test
  @Order(5)
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

  /** The first exported span named {@code name} that {@code also} accepts, within 30 s. */
  private static SpanData awaitSpan(
      InMemorySpanExporter spans, String name, Predicate<SpanData> also) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (SpanData s : spans.getFinishedSpanItems()) {
        if (s.getName().equals(name) && also.test(s)) {
          return s;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "no such span "
            + name
            + " among "
            + spans.getFinishedSpanItems().stream()
                .filter(s -> !s.getName().contains("sweep") && !s.getName().contains("mote"))
                .limit(40)
                .map(s -> s.getName() + " " + s.getSpanId() + "<-" + s.getParentSpanId())
                .toList());
  }

  /** Accepts a span whose parent is a finished span named {@code parent}, in the same trace. */
  private static Predicate<SpanData> under(InMemorySpanExporter spans, String parent) {
    return child ->
        spans.getFinishedSpanItems().stream()
            .anyMatch(
                p ->
                    p.getName().equals(parent)
                        && p.getSpanId().equals(child.getParentSpanId())
                        && p.getTraceId().equals(child.getTraceId()));
  }

  /**
   * Where the application's spans go: the OpenTelemetry SDK's in-memory exporter. And no exemplars
   * in {@code /actuator/prometheus}: Debian 12's Prometheus is 2.42, which drops a whole scrape
   * with an exemplar on a {@code _count} series ("does not support exemplars"; accepted from 2.43),
   * as Boot's endpoint sends them with tracing on; docs/spring-boot.md tells users the same.
   */
  @Configuration(proxyBeanMethods = false)
  static class SpanCapture {
    @Bean
    InMemorySpanExporter inMemorySpanExporter() {
      return InMemorySpanExporter.create();
    }

    @Bean
    SpanContext noExemplars() {
      return new SpanContext() {
        @Override
        public String getCurrentTraceId() {
          return null;
        }

        @Override
        public String getCurrentSpanId() {
          return null;
        }

        @Override
        public boolean isCurrentSpanSampled() {
          return false;
        }

        @Override
        public void markCurrentSpanAsExemplar() {}
      };
    }
  }

  private static HttpResponse<String> send(String method, String path, String body)
      throws Exception {
    return TestHttp.send(base, method, path, body);
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
