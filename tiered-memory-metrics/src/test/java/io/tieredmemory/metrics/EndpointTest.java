package io.tieredmemory.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.core.TieredMemory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The five paths, content negotiation, credentials and the loopback default. */
class EndpointTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private PrometheusMeterRegistry registry;
  private DecisionFeed feed;
  private TieredMemory store;

  @BeforeEach
  void setUp() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    feed = DecisionFeed.builder().registry(registry).build();
    TieredMemoryMetrics metrics = TieredMemoryMetrics.of(registry);
    store =
        TieredMemory.builder("endpoint")
            .discoverObservers(false)
            .observer(metrics)
            .observer(feed)
            .build();
    store.put("secret-key", "secret content");
    store.get("secret-key");
    // Gauges refresh in the background; make this refresh happen now.
    metrics.refresh();
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  private TieredMemoryEndpoint.Builder endpoint() {
    return TieredMemoryEndpoint.builder()
        .port(0)
        .registry(registry)
        .feed(feed)
        .stores(List.of(store));
  }

  private HttpResponse<String> get(TieredMemoryEndpoint e, String path, String... headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(e.uri().resolve(path)).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metrics_servesPrometheusText_andOpenMetricsOnRequest() throws Exception {
    try (TieredMemoryEndpoint e = endpoint().start()) {
      HttpResponse<String> text = get(e, "/metrics");
      assertThat(text.statusCode()).isEqualTo(200);
      assertThat(text.headers().firstValue("Content-Type"))
          .hasValue("text/plain; version=0.0.4; charset=utf-8");
      assertThat(text.body())
          .contains(
              "tiered_memory_requests_total{operation=\"get\",result=\"hit\",store=\"endpoint\",tier=\"hot\"} 1.0")
          .doesNotContain("secret");

      HttpResponse<String> om =
          get(e, "/metrics", "Accept", "application/openmetrics-text; version=1.0.0");
      assertThat(om.headers().firstValue("Content-Type"))
          .get()
          .asString()
          .startsWith("application/openmetrics-text");
      assertThat(om.body().strip()).endsWith("# EOF");
    }
  }

  @Test
  void stats_describesTiersRequestsAndPolicy() throws Exception {
    try (TieredMemoryEndpoint e = endpoint().start()) {
      HttpResponse<String> r = get(e, "/memory/stats");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type"))
          .hasValue("application/json; charset=utf-8");
      assertThat(r.body())
          .contains("\"name\":\"endpoint\"")
          .contains("\"hot\":{\"kind\":\"in-process\",\"items\":1,")
          .contains("\"get.hot.hit\":1")
          .contains("\"put.warm.success\":1")
          .contains("\"promote\":\"3 reads in 10m\"")
          .doesNotContain("secret");
    }
  }

  @Test
  void liveViewAndHealth_areServed() throws Exception {
    try (TieredMemoryEndpoint e = endpoint().start()) {
      HttpResponse<String> page = get(e, "/memory/");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      // relative URLs, so that the page works under any base path
      assertThat(page.body()).contains("<html").contains("new EventSource(\"events\")");
      HttpResponse<String> redirect = get(e, "/memory");
      assertThat(redirect.statusCode()).isEqualTo(308);
      HttpResponse<String> health = get(e, "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body())
          .isEqualTo(
              "{\"status\":\"UP\",\"stores\":[{\"name\":\"endpoint\",\"status\":\"UP\","
                  + "\"tiers\":{\"hot\":\"UP\",\"warm\":\"UP\",\"cold\":\"UP\"}}]}");
      assertThat(get(e, "/memory/nothing").statusCode()).isEqualTo(404);
      HttpResponse<String> post =
          http.send(
              HttpRequest.newBuilder(e.uri().resolve("/metrics"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    }
  }

  @Test
  void basicAuth_requiredEverywhereButHealth() throws Exception {
    try (TieredMemoryEndpoint e = endpoint().basicAuth("ops", "s3cr3t-pw").start()) {
      for (String path : List.of("/metrics", "/memory/stats", "/memory/", "/memory/events")) {
        HttpResponse<String> r = get(e, path);
        assertThat(r.statusCode()).as(path).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow())
            .startsWith("Basic realm=\"tiered-memory\"");
      }
      String wrong =
          "Basic "
              + Base64.getEncoder().encodeToString("ops:nope".getBytes(StandardCharsets.UTF_8));
      assertThat(get(e, "/metrics", "Authorization", wrong).statusCode()).isEqualTo(401);
      // Not Base64: the JDK's parser throws; still a 401, not a dropped connection.
      HttpResponse<String> garbage = get(e, "/metrics", "Authorization", "Basic !!!not-base64!!!");
      assertThat(garbage.statusCode()).isEqualTo(401);
      assertThat(garbage.headers().firstValue("WWW-Authenticate").orElseThrow())
          .startsWith("Basic realm=\"tiered-memory\"");
      HttpResponse<String> bearer = get(e, "/metrics", "Authorization", "Bearer s3cr3t-pw");
      assertThat(bearer.statusCode()).isEqualTo(401);
      assertThat(bearer.headers().firstValue("WWW-Authenticate")).isPresent();
      String right =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString("ops:s3cr3t-pw".getBytes(StandardCharsets.UTF_8));
      assertThat(get(e, "/metrics", "Authorization", right).statusCode()).isEqualTo(200);
      assertThat(get(e, "/health").statusCode()).isEqualTo(200);
      assertThat(e.toString()).doesNotContain("s3cr3t-pw").contains("authenticated");
    }
  }

  @Test
  void bind_defaultsToLoopback() {
    try (TieredMemoryEndpoint e = endpoint().start()) {
      assertThat(e.uri().getHost()).isEqualTo("127.0.0.1");
    }
  }

  @Test
  void builder_rejectsBadValuesNamingTheField() {
    assertThatThrownBy(() -> TieredMemoryEndpoint.builder().port(70000))
        .hasMessageContaining("port")
        .hasMessageContaining("70000");
    assertThatThrownBy(() -> TieredMemoryEndpoint.builder().basicAuth("", "x"))
        .hasMessageContaining("username");
    assertThatThrownBy(() -> TieredMemoryEndpoint.builder().basicAuth("a:b", "x"))
        .hasMessageContaining("username");
    assertThatThrownBy(() -> TieredMemoryEndpoint.builder().bindAddress(" "))
        .hasMessageContaining("bindAddress");
  }

  @Test
  void httpServer_mountsEveryPathOnTheCallersServer_andCloseRemovesThemOnly() throws Exception {
    com.sun.net.httpserver.HttpServer other =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    other.createContext("/mine", x -> Http.send(x, 200, "text/plain", "mine"));
    other.start();
    try {
      URI base = URI.create("http://127.0.0.1:" + other.getAddress().getPort());
      try (TieredMemoryEndpoint e = endpoint().httpServer(other).start()) {
        assertThat(e.port()).isEqualTo(other.getAddress().getPort());
        for (String path : List.of("/metrics", "/memory/stats", "/memory/", "/health")) {
          assertThat(httpGet(base.resolve(path)).statusCode()).as(path).isEqualTo(200);
        }
        assertThat(httpGet(base.resolve("/metrics")).body())
            .contains("tiered_memory_requests_total");
      }
      // The caller's server still runs, with its own paths; ours are gone.
      assertThat(httpGet(base.resolve("/mine")).body()).isEqualTo("mine");
      assertThat(httpGet(base.resolve("/metrics")).statusCode()).isEqualTo(404);
    } finally {
      other.stop(0);
    }
  }

  private HttpResponse<String> httpGet(URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aJdkAuthenticatorOfYours_guardsEveryPathButHealth() throws Exception {
    com.sun.net.httpserver.Authenticator tokenOnly =
        new com.sun.net.httpserver.Authenticator() {
          @Override
          public Result authenticate(com.sun.net.httpserver.HttpExchange ex) {
            if ("let-me-in".equals(ex.getRequestHeaders().getFirst("X-Token"))) {
              return new Success(new com.sun.net.httpserver.HttpPrincipal("ops", "token"));
            }
            return new Failure(403);
          }
        };
    try (TieredMemoryEndpoint e = endpoint().authenticator(tokenOnly).start()) {
      assertThat(get(e, "/metrics").statusCode()).isEqualTo(403);
      assertThat(get(e, "/memory/stats").statusCode()).isEqualTo(403);
      assertThat(get(e, "/metrics", "X-Token", "let-me-in").statusCode()).isEqualTo(200);
      assertThat(get(e, "/health").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void requestsRunOnYourExecutor_whichCloseLeavesRunning() throws Exception {
    java.util.concurrent.ExecutorService mine =
        java.util.concurrent.Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "my-endpoint-pool");
              t.setDaemon(true);
              return t;
            });
    java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    try (TieredMemoryEndpoint e =
        endpoint()
            .executor(
                task ->
                    mine.execute(
                        () -> {
                          threads.add(Thread.currentThread().getName());
                          task.run();
                        }))
            .start()) {
      assertThat(get(e, "/metrics").statusCode()).isEqualTo(200);
    }
    assertThat(threads).containsExactly("my-endpoint-pool");
    assertThat(mine.isShutdown()).isFalse();
    mine.shutdown();
  }
}
