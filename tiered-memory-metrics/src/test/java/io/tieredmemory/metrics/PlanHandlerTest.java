package io.tieredmemory.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.core.SweepPlan;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code /memory/plan}: the JSON shape, keys hashed as the feed hashes them, 400 on bad input. */
class PlanHandlerTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Moving clock = new Moving(Instant.parse("2024-05-01T12:00:00Z"));
  private TieredMemory store;
  private long oldVersion;

  /** A clock the test moves. */
  static final class Moving extends Clock {
    volatile Instant now;

    Moving(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return Clock.fixed(now, zone);
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private TieredMemory store(DecisionFeed feed) {
    store =
        TieredMemory.builder("plan")
            .discoverObservers(false)
            .disableScheduledSweeps()
            .clock(clock)
            .observer(feed)
            .policy(
                TieringPolicy.custom()
                    .demoteWhenIdle(Duration.ofMinutes(30))
                    .archiveWhenIdle(Duration.ofDays(7))
                    .build())
            .build();
    oldVersion = store.put("secret-old", "secret content").version();
    store.put("secret-older", "more secret content");
    clock.now = clock.now.plus(Duration.ofMinutes(31));
    store.put("secret-new", "fresh");
    return store;
  }

  @AfterEach
  void tearDown() {
    if (store != null) {
      store.close();
    }
  }

  private TieredMemoryEndpoint endpoint(DecisionFeed feed) throws Exception {
    return TieredMemoryEndpoint.builder()
        .port(0)
        .registry(registry)
        .feed(feed)
        .stores(List.of(store(feed)))
        .start();
  }

  private HttpResponse<String> get(TieredMemoryEndpoint e, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(e.uri().resolve(path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void plan_listsTheNextSweepsMoves_withHashedKeys_andMovesNothing() throws Exception {
    DecisionFeed feed = DecisionFeed.builder().registry(registry).build();
    try (TieredMemoryEndpoint e = endpoint(feed)) {
      HttpResponse<String> r = get(e, "/memory/plan?limit=10");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type"))
          .hasValue("application/json; charset=utf-8");
      String body = r.body();
      assertThat(body)
          .startsWith("{\"stores\":[{\"store\":\"plan\",\"computedAt\":\"2024-05-01T12:31:00Z\"")
          .contains("\"limit\":10,\"complete\":true,\"truncated\":false,\"totalMoves\":2")
          .contains("\"totals\":{\"hot_idle\":2}")
          .contains("\"keptInHot\":0,\"coldCopiesToReconcile\":0")
          .contains("\"budgetReached\":[],\"skippedSteps\":[]")
          .contains("\"summary\":\"demote 2 (idle > 30m)\"")
          .doesNotContain("secret");
      List<String> moves = objects(body.substring(body.indexOf("\"moves\":[")));
      assertThat(moves).hasSize(2);
      // The feed's labels, in the order the sweep demotes: least recently read first.
      assertThat(moves.get(0))
          .isEqualTo(
              "{\"key\":\""
                  + feed.keyLabel("secret-old")
                  + "\",\"version\":"
                  + oldVersion
                  + ",\"from\":\"hot\",\"to\":\"warm\",\"reason\":\"hot_idle\",\"detail\":\"idle"
                  + " 31m\"}");
      assertThat(moves.get(1)).contains(feed.keyLabel("secret-older"));
      assertThat(feed.keyLabel("secret-old")).matches("k:[0-9a-f]{12}");

      // Nothing moved, nothing told: HOT still holds all three, the feed has no decision.
      assertThat(store.tier(Tier.HOT).count()).isEqualTo(3);
      assertThat(feed.recent(100)).noneMatch(en -> en.kind().equals("moved"));

      // The sweep then does what the plan said.
      assertThat(store.sweep().demoted()).isEqualTo(2);

      HttpResponse<String> none = get(e, "/memory/plan");
      assertThat(none.body())
          .contains("\"limit\":20")
          .contains("\"totalMoves\":0")
          .contains("\"summary\":\"nothing to move\"")
          .contains("\"moves\":[]");
    }
  }

  @Test
  void plan_cutsTheListAtTheLimit_butCountsEverything() throws Exception {
    DecisionFeed feed = DecisionFeed.builder().registry(registry).build();
    try (TieredMemoryEndpoint e = endpoint(feed)) {
      String body = get(e, "/memory/plan?limit=1").body();
      assertThat(body)
          .contains("\"limit\":1,\"complete\":true,\"truncated\":true,\"totalMoves\":2");
      assertThat(objects(body.substring(body.indexOf("\"moves\":[")))).hasSize(1);
      assertThat(get(e, "/memory/plan?limit=0&store=plan").body())
          .contains("\"totalMoves\":2")
          .contains("\"moves\":[]");
    }
  }

  @Test
  void plan_showsKeysOnlyWhenTheFeedRevealsThem() throws Exception {
    DecisionFeed feed = DecisionFeed.builder().registry(registry).revealKeys(true).build();
    try (TieredMemoryEndpoint e = endpoint(feed)) {
      assertThat(get(e, "/memory/plan").body())
          .contains("\"key\":\"secret-old\"")
          .doesNotContain("secret content");
    }
  }

  @Test
  void plan_withoutAFeed_hashesKeysWithASaltOfItsOwn() throws Exception {
    DecisionFeed unused = DecisionFeed.builder().registry(registry).revealKeys(true).build();
    store(unused);
    try (TieredMemoryEndpoint e =
        TieredMemoryEndpoint.builder().port(0).registry(registry).stores(List.of(store)).start()) {
      String body = get(e, "/memory/plan").body();
      assertThat(body).doesNotContain("secret").containsPattern("\"key\":\"k:[0-9a-f]{12}\"");
    }
  }

  @Test
  void plan_badParameters_get400NamingTheParameter() throws Exception {
    DecisionFeed feed = DecisionFeed.builder().registry(registry).build();
    try (TieredMemoryEndpoint e = endpoint(feed)) {
      for (String bad : List.of("abc", "-1", "1001", "", "1e3", "99999999999")) {
        HttpResponse<String> r = get(e, "/memory/plan?limit=" + bad);
        assertThat(r.statusCode()).as(bad).isEqualTo(400);
        assertThat(r.body())
            .as(bad)
            .isEqualTo("limit must be an integer from 0 to 1000, was '" + bad + "'\n");
      }
      HttpResponse<String> r = get(e, "/memory/plan?store=nope");
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).isEqualTo("store must name a store served here, was 'nope'\n");
      assertThat(
              http.send(
                      HttpRequest.newBuilder(e.uri().resolve("/memory/plan"))
                          .POST(HttpRequest.BodyPublishers.noBody())
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(405);
    }
  }

  @Test
  void store_plan_rejectsANegativeLimit_namingIt() {
    DecisionFeed feed = DecisionFeed.builder().registry(registry).build();
    TieredMemory s = store(feed);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.plan(-3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be >= 0, was -3");
    SweepPlan p = s.plan(0);
    assertThat(p.moves()).isEmpty();
    assertThat(p.totalMoves()).isEqualTo(2);
  }

  /** The flat objects of a JSON array of them (no nesting inside). */
  private static List<String> objects(String array) {
    Matcher m = Pattern.compile("\\{[^{}]*\\}").matcher(array);
    List<String> out = new java.util.ArrayList<>();
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }
}
