package io.tieredmemory.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /memory/history}: the JSON of a memory's history, keys labelled as the feed labels them.
 */
class HistoryHandlerTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final PlanHandlerTest.Moving clock =
      new PlanHandlerTest.Moving(Instant.parse("2024-05-01T12:00:00Z"));
  private final List<TieredMemory> stores = new ArrayList<>();

  @AfterEach
  void tearDown() {
    stores.forEach(TieredMemory::close);
  }

  private TieredMemory store(String name, boolean history, DecisionFeed feed) {
    TieredMemory s =
        TieredMemory.builder(name)
            .discoverObservers(false)
            .disableScheduledSweeps()
            .clock(clock)
            .observer(feed)
            .policy(TieringPolicy.custom().demoteWhenIdle(Duration.ofMinutes(30)).build())
            .history(history)
            .instanceId("web-1")
            .build();
    stores.add(s);
    return s;
  }

  private HttpResponse<String> get(TieredMemoryEndpoint e, String path, String auth)
      throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(e.uri().resolve(path)).GET();
    if (!auth.isEmpty()) {
      r.header("Authorization", auth);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void history_ofAMemory_withItsKeyLabelledByTheFeed() throws Exception {
    DecisionFeed feed = DecisionFeed.builder().registry(registry).build();
    TieredMemory store = store("agent", true, feed);
    long v = store.put("secret-key", "secret content", Map.of()).version();
    clock.now = clock.now.plus(Duration.ofMinutes(31));
    store.sweep(); // demoted: idle 31m
    try (TieredMemoryEndpoint e =
        TieredMemoryEndpoint.builder()
            .port(0)
            .registry(registry)
            .feed(feed)
            .stores(List.of(store))
            .start()) {
      HttpResponse<String> r = get(e, "/memory/history?key=secret-key", "");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type"))
          .hasValue("application/json; charset=utf-8");
      assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
      String label = feed.keyLabel("secret-key");
      assertThat(label).matches("k:[0-9a-f]{12}");
      assertThat(r.body())
          .isEqualTo(
              "{\"store\":\"agent\",\"key\":\""
                  + label
                  + "\",\"now\":{\"tier\":\"warm\",\"version\":"
                  + v
                  + "},\"entries\":[{\"id\":1,\"at\":\"2024-05-01T12:00:00Z\",\"instance\":\"web-1\","
                  + "\"kind\":\"put\",\"version\":"
                  + v
                  + ",\"from\":null,\"to\":\"warm\",\"reason\":null,\"detail\":\"created\","
                  + "\"inputs\":{}},{\"id\":2,\"at\":\"2024-05-01T12:31:00Z\",\"instance\":\"web-1\","
                  + "\"kind\":\"demoted\",\"version\":"
                  + v
                  + ",\"from\":\"hot\",\"to\":\"warm\",\"reason\":\"hot_idle\",\"detail\":\"idle 31m\","
                  + "\"inputs\":{\"idle_ms\":1860000,\"idle_limit_ms\":1800000}}]}");
      assertThat(r.body()).doesNotContain("secret");

      store.delete("secret-key");
      String deleted = get(e, "/memory/history?key=secret-key", "").body();
      assertThat(deleted).contains("\"now\":null").contains("\"kind\":\"deleted\"");
    }
  }

  @Test
  void badParameters_get400_unknownKeys404_namingWhat() throws Exception {
    DecisionFeed feed = DecisionFeed.builder().registry(registry).build();
    TieredMemory store = store("agent", true, feed);
    store.put("known", "x");
    try (TieredMemoryEndpoint e =
        TieredMemoryEndpoint.builder()
            .port(0)
            .registry(registry)
            .feed(feed)
            .stores(List.of(store))
            .start()) {
      assertAnswer(e, "/memory/history", 400, "key must be given: /memory/history?key=K");
      assertAnswer(e, "/memory/history?key=", 400, "key must not be blank, was ''");
      assertAnswer(e, "/memory/history?key=%20%20", 400, "key must not be blank, was '  '");
      assertAnswer(
          e,
          "/memory/history?key=" + "k".repeat(5000),
          400,
          "key must be at most 4096 chars, was 5000");
      assertAnswer(
          e,
          "/memory/history?key=" + "k".repeat(1000),
          400,
          "key must be at most 512 chars, was 1000"); // the store's own limit
      assertAnswer(
          e, "/memory/history?key=known&store=nope", 400, "store must name a store served here");
      assertAnswer(e, "/memory/history?key=never", 404, "no memory and no history of that key");
      assertAnswer(e, "/memory/history?key=known&store=agent", 200, "\"kind\":\"put\"");
    }
  }

  @Test
  void aStoreWithoutHistory_gets501_sayingHowToTurnItOn() throws Exception {
    DecisionFeed feed = DecisionFeed.builder().registry(registry).build();
    TieredMemory store = store("plain", false, feed);
    store.put("k", "x");
    try (TieredMemoryEndpoint e =
        TieredMemoryEndpoint.builder()
            .port(0)
            .registry(registry)
            .feed(feed)
            .stores(List.of(store))
            .start()) {
      assertAnswer(e, "/memory/history?key=k", 501, "history(true)");
    }
  }

  @Test
  void withCredentials_historyRequiresThem() throws Exception {
    DecisionFeed feed = DecisionFeed.builder().registry(registry).build();
    TieredMemory store = store("agent", true, feed);
    store.put("k", "x");
    try (TieredMemoryEndpoint e =
        TieredMemoryEndpoint.builder()
            .port(0)
            .registry(registry)
            .feed(feed)
            .stores(List.of(store))
            .basicAuth("ops", "correct horse battery")
            .start()) {
      assertThat(get(e, "/memory/history?key=k", "").statusCode()).isEqualTo(401);
      assertThat(get(e, "/memory/history?key=never", "").statusCode()).isEqualTo(401);
      String auth =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString("ops:correct horse battery".getBytes(StandardCharsets.UTF_8));
      assertThat(get(e, "/memory/history?key=k", auth).statusCode()).isEqualTo(200);
      assertThat(get(e, "/memory/history?key=never", auth).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void liveView_historyJson_answersAsTheEndpoint() {
    DecisionFeed feed = DecisionFeed.builder().registry(registry).build();
    TieredMemory store = store("agent", true, feed);
    store.put("k", "x");
    Map.Entry<Integer, String> ok = LiveView.historyJson(List.of(store), "k", null, n -> feed);
    assertThat(ok.getKey()).isEqualTo(200);
    assertThat(ok.getValue()).contains("\"key\":\"" + feed.keyLabel("k") + "\"");
    assertThat(LiveView.historyJson(List.of(store), null, null, n -> feed).getKey()).isEqualTo(400);
    assertThat(LiveView.historyJson(List.of(store), "never", null, n -> feed).getKey())
        .isEqualTo(404);
  }

  private void assertAnswer(TieredMemoryEndpoint e, String path, int status, String says)
      throws Exception {
    HttpResponse<String> r = get(e, path, "");
    assertThat(r.statusCode()).as(path).isEqualTo(status);
    assertThat(r.body()).as(path).contains(says);
  }
}
