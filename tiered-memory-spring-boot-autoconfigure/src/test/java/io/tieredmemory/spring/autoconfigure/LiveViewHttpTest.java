package io.tieredmemory.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.metrics.DecisionFeed;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * A real application on a real server (Tomcat for MVC, Netty for WebFlux) with Actuator and Spring
 * Security's defaults: the live view, its stats and its events, and the Actuator endpoint, each
 * refused without credentials (401) and served with them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class LiveViewHttpTest {
  private static final String USER = "ops";
  private static final String PASSWORD = "s3cret";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private ConfigurableApplicationContext ctx;
  private URI base;

  abstract WebApplicationType type();

  abstract String serverClassName();

  @BeforeAll
  void start() {
    SpringApplication app = new SpringApplication(App.class);
    app.setWebApplicationType(type());
    ctx =
        app.run(
            "--server.port=0",
            "--server.address=127.0.0.1",
            "--spring.main.banner-mode=off",
            "--spring.security.user.name=" + USER,
            "--spring.security.user.password=" + PASSWORD,
            "--management.endpoints.web.exposure.include=health,tieredmemory",
            "--tiered-memory.name=agent",
            "--tiered-memory.hot-capacity=1",
            "--tiered-memory.history.enabled=true",
            "--tiered-memory.live-view.path=/ops/memory");
    int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
    base = URI.create("http://127.0.0.1:" + port + "/");
  }

  @AfterAll
  void stop() {
    if (ctx != null) {
      ctx.close();
    }
  }

  @Test
  void runsOnTheExpectedServer() {
    assertThat(((WebServerApplicationContext) ctx).getWebServer().getClass().getName())
        .contains(serverClassName());
  }

  @Test
  void withoutCredentials_401() throws Exception {
    for (String path :
        List.of(
            "ops/memory/",
            "ops/memory/stats",
            "ops/memory/events",
            "ops/memory/plan",
            "ops/memory/history?key=secret:history:1",
            "actuator/tieredmemory")) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(path).isEqualTo(401);
      assertThat(r.body()).as(path).doesNotContain("\"stores\"");
    }
  }

  @Test
  void page_andItsRedirect() throws Exception {
    HttpResponse<String> page = get("ops/memory/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(page.body())
        .contains("<title>tiered-memory · live view</title>")
        .contains("new EventSource(\"events\")");

    HttpResponse<String> bare = get("ops/memory");
    assertThat(bare.statusCode()).isEqualTo(308);
    assertThat(base.resolve("ops/memory").resolve(bare.headers().firstValue("Location").get()))
        .isEqualTo(base.resolve("ops/memory/"));
  }

  @Test
  void stats() throws Exception {
    store().put("stats:1", "a");
    HttpResponse<String> r = get("ops/memory/stats");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    assertThat(r.body())
        .contains("\"name\":\"agent\"")
        .contains("\"put.warm.success\":")
        .contains("\"hotCapacity\":1");
  }

  @Test
  void plan_whatTheNextSweepWouldMove_keysLabelledAsInTheFeed() throws Exception {
    TieredMemory store = store();
    store.put("secret:plan:1", "a");
    store.put("secret:plan:2", "b"); // HOT holds at most 1: the next sweep demotes
    HttpResponse<String> r = get("ops/memory/plan?limit=5");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    DecisionFeed feed = ctx.getBean(TieredMemoryDecisionFeeds.class).feed("agent").orElseThrow();
    assertThat(r.body())
        .startsWith("{\"stores\":[{\"store\":\"agent\"")
        .contains("\"limit\":5")
        .contains("\"reason\":\"hot_capacity\"")
        .contains("\"key\":\"" + feed.keyLabel("secret:plan:1") + "\"")
        .contains("\"summary\":\"demote ")
        .doesNotContain("secret:");
    assertThat(store.tier(io.tieredmemory.core.Tier.HOT).count()).isGreaterThan(1); // moved nothing

    HttpResponse<String> bad = get("ops/memory/plan?limit=lots");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).isEqualTo("limit must be an integer from 0 to 1000, was 'lots'\n");
    HttpResponse<String> unknown = get("ops/memory/plan?store=nope");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).isEqualTo("store must name a store served here, was 'nope'\n");
    store.sweep();
  }

  @Test
  void history_whereAMemoryLivesAndHowItGotThere_keyLabelledAsInTheFeed() throws Exception {
    TieredMemory store = store();
    store.put("secret:history:1", "a");
    HttpResponse<String> r = get("ops/memory/history?key=secret:history:1");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    DecisionFeed feed = ctx.getBean(TieredMemoryDecisionFeeds.class).feed("agent").orElseThrow();
    assertThat(r.body())
        .startsWith(
            "{\"store\":\"agent\",\"key\":\"" + feed.keyLabel("secret:history:1") + "\",\"now\":{")
        .contains("\"kind\":\"put\"", "\"to\":\"warm\"", "\"detail\":\"created\"")
        .doesNotContain("secret:");

    HttpResponse<String> unknown = get("ops/memory/history?key=secret:never");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).isEqualTo("no memory and no history of that key\n");
    HttpResponse<String> missing = get("ops/memory/history");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).startsWith("key must be given");
    HttpResponse<String> badStore = get("ops/memory/history?key=a&store=nope");
    assertThat(badStore.statusCode()).isEqualTo(400);
    assertThat(badStore.body()).isEqualTo("store must name a store served here, was 'nope'\n");
    store.sweep();
  }

  @Test
  void events_deliverADecisionAfterAPutAndASweep_keysHashed() throws Exception {
    HttpResponse<InputStream> r =
        http.send(
            authorized(HttpRequest.newBuilder(base.resolve("ops/memory/events")))
                .header("Accept", "text/event-stream")
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      TieredMemory store = store();
      store.put("secret:user:1", "a");
      store.put("secret:user:2", "b");
      store.sweep(); // HOT holds at most 1: one demotion
      List<String> lines =
          CompletableFuture.supplyAsync(() -> readUntil(in, "event: demoted"))
              .get(15, TimeUnit.SECONDS);
      String data =
          lines.stream().filter(l -> l.startsWith("data:")).reduce((a, b) -> b).orElseThrow();
      assertThat(data).contains("\"kind\":\"demoted\"").contains("\"store\":\"agent\"");
      assertThat(data).containsPattern("\"key\":\"k:[0-9a-f]{12}\"").doesNotContain("secret:");
      assertThat(lines).anyMatch(l -> l.matches("id: ?agent:\\d+"));
    }
    // The client went away: the stream notices at its next writes and lets go of its subscription.
    DecisionFeed feed = ctx.getBean(TieredMemoryDecisionFeeds.class).feed("agent").orElseThrow();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    for (int i = 0; feed.subscribers() > 0 && System.nanoTime() < deadline; i++) {
      store().delete("gone:" + i); // a decision to write
      Thread.sleep(50);
    }
    assertThat(feed.subscribers()).isZero();
  }

  @Test
  void actuatorEndpoint() throws Exception {
    TieredMemory store = store();
    store.put("endpoint:user:1", "a");
    store.put("endpoint:user:2", "b");
    store.sweep();
    HttpResponse<String> all = get("actuator/tieredmemory");
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.body())
        .contains("\"stores\":{\"agent\":")
        .contains("\"kind\":\"in-process\"")
        .contains("\"failuresInRow\":0")
        .contains("\"hotCapacity\":1")
        .contains("\"kind\":\"demoted\"")
        .containsPattern("\"key\":\"k:[0-9a-f]{12}\"")
        .doesNotContain("endpoint:user");
    HttpResponse<String> one = get("actuator/tieredmemory/agent");
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(one.body()).startsWith("{\"name\":\"agent\"");

    // The plan: what the next sweep would move, keys labelled as in the feed.
    store.put("endpoint:user:3", "c"); // HOT over its capacity of 1 again
    DecisionFeed feed = ctx.getBean(TieredMemoryDecisionFeeds.class).feed("agent").orElseThrow();
    String planned = get("actuator/tieredmemory/agent").body();
    assertThat(planned)
        .contains("\"plan\":{\"computedAt\":")
        .contains("\"complete\":true")
        .contains("\"historyDropped\":0")
        .contains("\"totals\":{\"hot_capacity\":1}")
        .contains("\"key\":\"" + feed.keyLabel("endpoint:user:2") + "\",\"version\":")
        .contains("\"reason\":\"hot_capacity\",\"detail\":\"hot over capacity 1 (held 2)\"")
        .doesNotContain("endpoint:user");
    store.sweep();
    assertThat(get("actuator/tieredmemory/nope").statusCode()).isEqualTo(404);
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void closingTheContext_endsOpenEventStreams_withoutWaitingForThem() throws Exception {
    HttpResponse<InputStream> r =
        http.send(
            authorized(HttpRequest.newBuilder(base.resolve("ops/memory/events"))).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    try (InputStream in = r.body()) {
      long start = System.nanoTime();
      ctx.close();
      ctx = null;
      // Graceful shutdown would wait 30 s for a stream left open.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      CompletableFuture<byte[]> rest = CompletableFuture.supplyAsync(() -> readAll(in));
      assertThat(rest.get(10, TimeUnit.SECONDS)).isNotNull(); // the stream ended
    }
  }

  private static byte[] readAll(InputStream in) {
    try {
      return in.readAllBytes();
    } catch (java.io.IOException e) {
      return new byte[0]; // reset by the closing server: ended too
    }
  }

  private static List<String> readUntil(BufferedReader in, String wanted) {
    List<String> lines = new ArrayList<>();
    try {
      boolean seen = false;
      String line;
      while ((line = in.readLine()) != null) {
        lines.add(line);
        if (line.equals(wanted) || line.equals(wanted.replace(": ", ":"))) {
          seen = true;
        }
        if (seen && line.isEmpty()) {
          return lines;
        }
      }
      throw new AssertionError("stream ended before '" + wanted + "': " + lines);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private TieredMemory store() {
    return ctx.getBean(TieredMemory.class);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        authorized(HttpRequest.newBuilder(base.resolve(path))).timeout(TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder authorized(HttpRequest.Builder b) {
    String token =
        Base64.getEncoder()
            .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    return b.header("Authorization", "Basic " + token);
  }

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class App {}
}
