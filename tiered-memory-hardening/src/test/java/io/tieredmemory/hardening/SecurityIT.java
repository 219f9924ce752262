package io.tieredmemory.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.chroma.ChromaTierStore;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.KeyCoordinator;
import io.tieredmemory.hardening.CrashingTierStore.Op;
import io.tieredmemory.hardening.CrashingTierStore.When;
import io.tieredmemory.metrics.DecisionFeed;
import io.tieredmemory.metrics.MetricsOptions;
import io.tieredmemory.metrics.TieredMemoryEndpoint;
import io.tieredmemory.metrics.TieredMemoryMetrics;
import io.tieredmemory.postgres.PostgresKeyCoordinator;
import io.tieredmemory.postgres.PostgresTierStore;
import io.tieredmemory.redis.RedisTierStore;
import io.tieredmemory.testkit.ManualClock;
import io.tieredmemory.testservers.RealServers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Security: the endpoint binds to loopback unless told otherwise; with credentials, every path but
 * {@code /health} requires them; keys in the event feed are hashed by default; content never
 * appears in metrics or events; passwords, tokens and connection strings with credentials never
 * appear in logs (System.err, where slf4j-simple writes, and every {@code java.util.logging}
 * record, where {@code System.Logger} goes), exception messages, {@code toString()}, metrics or
 * events.
 */
class SecurityIT {
  private static final String KEY = "user:zq-7781:passport-number";
  private static final String CONTENT = "Passport X99-4471-QQ expires 2031, keep it secret";
  private static final String ENDPOINT_PASSWORD = "endpoint-Pw-4fd2a";
  private static final String PG_PASSWORD = "wrong-PgPw-77c1e";
  private static final String URL_PASSWORD = "url-PgPw-0b9d3";
  private static final String REDIS_PASSWORD = "wrong-RedisPw-5e6f7";
  private static final String CHROMA_TOKEN = "chroma-Tok-91ab2";
  private static final List<String> SECRETS =
      List.of(ENDPOINT_PASSWORD, PG_PASSWORD, URL_PASSWORD, REDIS_PASSWORD, CHROMA_TOKEN);
  private static final Pattern HASHED_KEY = Pattern.compile("\"key\":\"k:[0-9a-f]{12}\"");

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(3))
          .build();

  // ---------------------------------------------------------------- binding

  @Test
  void endpoint_bindsToLoopbackOnly_unlessConfigured() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (TieredMemoryEndpoint endpoint =
        TieredMemoryEndpoint.builder().port(0).registry(registry).stores(List.of()).start()) {
      assertThat(endpoint.uri().getHost()).isEqualTo("127.0.0.1");
      assertThat(reachable("127.0.0.1", endpoint.port())).isTrue();
      // A wildcard bind would answer on every loopback address; 127.0.0.1 answers alone.
      assertThat(reachable("127.0.0.2", endpoint.port())).as("127.0.0.2").isFalse();
    }
    try (TieredMemoryEndpoint endpoint =
        TieredMemoryEndpoint.builder()
            .bindAddress("127.0.0.2")
            .port(0)
            .registry(registry)
            .stores(List.of())
            .start()) {
      assertThat(endpoint.uri().getHost()).isEqualTo("127.0.0.2");
      assertThat(reachable("127.0.0.2", endpoint.port())).isTrue();
      assertThat(reachable("127.0.0.1", endpoint.port())).as("127.0.0.1").isFalse();
    }
  }

  private static boolean reachable(String host, int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2_000);
      return true;
    } catch (ConnectException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- credentials

  @Test
  void endpoint_withCredentials_everyPathButHealthRequiresThem() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DecisionFeed feed = DecisionFeed.builder().registry(registry).build();
    try (TieredMemoryEndpoint endpoint =
        TieredMemoryEndpoint.builder()
            .port(0)
            .registry(registry)
            .feed(feed)
            .stores(List.of())
            .basicAuth("admin", ENDPOINT_PASSWORD)
            .start()) {
      Map<String, String> headers =
          Map.of(
              "no header",
              "",
              "wrong password",
              basic("admin", ENDPOINT_PASSWORD + "x"),
              "wrong user",
              basic("root", ENDPOINT_PASSWORD),
              "password only",
              basic("", ENDPOINT_PASSWORD),
              "not basic",
              "Bearer " + ENDPOINT_PASSWORD,
              "lower-case scheme",
              "basic " + b64("admin:" + ENDPOINT_PASSWORD),
              "garbage",
              "Basic !!!not-base64!!!");
      SoftAssertions softly = new SoftAssertions();
      for (String path :
          List.of(
              "/metrics",
              "/memory/stats",
              "/memory/events",
              "/memory/plan",
              "/memory/history?key=k",
              "/memory/")) {
        for (Map.Entry<String, String> h : headers.entrySet()) {
          Answer a = get(endpoint.uri(), path, h.getValue(), "GET");
          softly.assertThat(a.status).as("%s with %s", path, h.getKey()).isEqualTo(401);
          softly
              .assertThat(a.authenticate)
              .as("%s with %s: WWW-Authenticate", path, h.getKey())
              .startsWith("Basic");
          softly.assertThat(a.body).as("%s: 401 body", path).doesNotContain(ENDPOINT_PASSWORD);
        }
        softly
            .assertThat(get(endpoint.uri(), path, "", "POST").status)
            .as("%s POST without credentials", path)
            .isEqualTo(401);
        softly
            .assertThat(get(endpoint.uri(), path, basic("admin", ENDPOINT_PASSWORD), "GET").status)
            .as("%s with the credentials", path)
            // No store is served: no store knows the key.
            .isEqualTo(path.startsWith("/memory/history") ? 404 : 200);
      }
      for (String header : headers.values()) {
        softly
            .assertThat(get(endpoint.uri(), "/health", header, "GET").status)
            .as("/health never asks")
            .isEqualTo(200);
      }
      softly
          .assertThat(endpoint.toString())
          .doesNotContain(ENDPOINT_PASSWORD)
          .doesNotContain("admin");
      softly.assertAll();
    }
  }

  private static String basic(String user, String password) {
    return "Basic " + b64(user + ":" + password);
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private record Answer(int status, String authenticate, String body) {}

  private Answer get(URI base, String path, String authorization, String method)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(5))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (!authorization.isEmpty()) {
      b.header("Authorization", authorization);
    }
    // The event stream never ends: read the status and at most a little of the body.
    HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    String body;
    try (InputStream in = r.body()) {
      body =
          r.statusCode() == 200 && path.equals("/memory/events")
              ? ""
              : new String(in.readNBytes(4096), StandardCharsets.UTF_8);
    }
    return new Answer(r.statusCode(), r.headers().firstValue("WWW-Authenticate").orElse(""), body);
  }

  // ---------------------------------------------------------------- redaction

  /**
   * A memory with a distinctive key and content goes through every decision the feed reports (put,
   * demotion, promotion, archive, rehydration, stale-copy eviction, backend failure whose message
   * quotes the key and content, delete). Neither appears in {@code /metrics}, {@code /memory/stats}
   * or {@code /memory/events}; keys there are hashed. A feed that reveals keys shows the key, and
   * still never the content, nor a search's query text (recorded by the store here).
   */
  @Test
  void keysHashedAndContentNeverInMetricsOrEvents() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DecisionFeed hashed = DecisionFeed.builder().registry(registry).includePuts(true).build();
    DecisionFeed revealing =
        DecisionFeed.builder().registry(registry).includePuts(true).revealKeys(true).build();
    ManualClock clock = new ManualClock();
    CrashingTierStore cold = new CrashingTierStore("cold", InProcessTiers.cold(Embedder.hashing()));
    cold.faultMessage("driver error on key " + KEY + " with document " + CONTENT);
    try (TieredMemory store =
            TieredMemory.builder("secure")
                // each read's move (and the injected failure of one) happens before the next step
                .readMoves(ReadMoves.CALLER)
                .cold(cold)
                .clock(clock)
                .policy(CrashHarness.POLICY)
                // The query text is in Recalled events; a feed leaves it out unless told otherwise.
                .recordQueryText(true)
                .observer(
                    TieredMemoryMetrics.of(
                        registry,
                        Tags.empty(),
                        MetricsOptions.defaults().withStatsRefresh(Duration.ofMillis(100))))
                .observer(hashed)
                .observer(revealing)
                .discoverObservers(false)
                .history(true)
                .build();
        TieredMemoryEndpoint endpoint =
            TieredMemoryEndpoint.builder()
                .port(0)
                .registry(registry)
                .feed(hashed)
                .stores(List.of(store))
                .start()) {
      store.put(KEY, CONTENT, Map.of("kind", "document"));
      clock.advance(Duration.ofMinutes(31));
      store.sweep(); // demoted
      for (int i = 0; i < 3; i++) {
        store.get(KEY); // promoted on the third
      }
      clock.advance(Duration.ofMinutes(121));
      String plan = fetch(endpoint.uri().resolve("/memory/plan?limit=100")); // names KEY, hashed
      store.sweep(); // demoted, archived
      cold.failNth(Op.PEEK, 1, When.BEFORE);
      store.get(KEY); // the rehydration fails: a backend failure quoting key and content
      store.get(KEY); // rehydrated
      clock.advance(Duration.ofMinutes(121));
      store.sweep(); // archived again
      store.put(KEY, CONTENT + " v2", Map.of());
      store.sweep(); // the archived copy is stale: evicted
      store.search(CONTENT, 3);
      store.delete(KEY);
      Thread.sleep(300); // a gauge refresh
      String history =
          fetch(
              endpoint
                  .uri()
                  .resolve(
                      "/memory/history?key="
                          + java.net.URLEncoder.encode(
                              KEY, java.nio.charset.StandardCharsets.UTF_8)));
      assertThat(history)
          .contains(
              "\"kind\":\"put\"",
              "\"kind\":\"promoted\"",
              "\"kind\":\"rehydrated\"",
              "\"kind\":\"evicted\"",
              "\"kind\":\"deleted\"");

      List<String> kinds = new ArrayList<>();
      hashed.recent(500).forEach(e -> kinds.add(e.kind()));
      assertThat(kinds)
          .contains("put", "demoted", "promoted", "archived", "rehydrated", "evicted", "deleted")
          .contains("backend_failed", "recalled");

      String metrics = get(endpoint.uri(), "/metrics", "", "GET").body;
      String stats = fetch(endpoint.uri().resolve("/memory/stats"));
      String events = events(endpoint.uri(), kinds.size());
      String feedJson = String.join("\n", hashed.recent(500).stream().map(e -> e.json()).toList());
      SoftAssertions softly = new SoftAssertions();
      for (String[] place :
          new String[][] {
            {"/metrics", metrics},
            {"/memory/stats", stats},
            {"/memory/events", events},
            {"/memory/plan", plan},
            {"/memory/history", history},
            {"feed", feedJson}
          }) {
        softly.assertThat(place[1]).as("%s is not empty", place[0]).isNotBlank();
        for (String secret : List.of(KEY, CONTENT, "passport", "X99-4471-QQ", "zq-7781")) {
          softly
              .assertThat(place[1])
              .as("%s shows %s", place[0], secret)
              .doesNotContainIgnoringCase(secret);
        }
      }
      softly.assertThat(events).as("hashed keys in the SSE stream").containsPattern(HASHED_KEY);
      softly.assertThat(events).contains("event: backend_failed");
      softly.assertThat(plan).as("hashed keys in the plan").containsPattern(HASHED_KEY);
      softly.assertThat(history).as("hashed key in the history").containsPattern(HASHED_KEY);
      String revealed =
          String.join("\n", revealing.recent(500).stream().map(e -> e.json()).toList());
      softly.assertThat(revealed).as("revealKeys shows keys").contains(KEY);
      softly
          .assertThat(revealed)
          .as("revealKeys never shows content")
          .doesNotContain("X99-4471-QQ");
      softly.assertAll();
    }
  }

  private String fetch(URI uri) throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** The replayed history of {@code /memory/events}, until {@code frames} events came. */
  private String events(URI base, int frames) throws IOException, InterruptedException {
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(base.resolve("/memory/events?after=0"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    StringBuilder text = new StringBuilder();
    try (InputStream in = r.body()) {
      byte[] buf = new byte[8192];
      long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (count(text, "\nevent: ") + (text.indexOf("event: ") == 0 ? 1 : 0) < frames
          && System.nanoTime() < until) {
        int n = in.read(buf);
        if (n < 0) {
          break;
        }
        text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      }
    }
    return text.toString();
  }

  private static int count(CharSequence s, String what) {
    int n = 0;
    for (int i = s.toString().indexOf(what); i >= 0; i = s.toString().indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  // ---------------------------------------------------------------- secrets in logs

  /**
   * A run with a wrong PostgreSQL password, a JDBC URL that carries a password, a Redis URL with a
   * wrong password, a Chroma token and endpoint credentials: everything logged (System.err and
   * every java.util.logging record, the library's own at every level), every exception message and
   * cause, every {@code toString()} of the public objects, the metrics and the events are searched
   * for the secrets.
   */
  @Test
  void secrets_neverInLogsMessagesToStringMetricsOrEvents() throws Exception {
    Capture capture = Capture.start();
    List<String> seen = new ArrayList<>();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DecisionFeed feed = DecisionFeed.builder().registry(registry).revealKeys(true).build();
    try (RealBackends real = new RealBackends("security")) {
      // PostgreSQL with a wrong password, and with a password in the JDBC URL.
      for (HikariConfig config : List.of(pgConfig(false), pgConfig(true))) {
        try (HikariDataSource bad = new HikariDataSource(config)) {
          PostgresTierStore.Builder warmBuilder =
              PostgresTierStore.builder(bad).table(real.table());
          seen.add(warmBuilder.toString());
          seen.add(describe(catchThrowable(warmBuilder::build)));
          PostgresKeyCoordinator.Builder cb = PostgresKeyCoordinator.builder(bad).namespace("sec");
          seen.add(cb.toString());
          KeyCoordinator coordinator = cb.build();
          seen.add(coordinator.toString());
          seen.add(describe(catchThrowable(() -> coordinator.lock("k").close())));
        }
      }
      // Redis with a wrong password: HOT fails, WARM serves.
      try (RedisClient badRedis =
          RedisClient.create(
              RealServers.redisUrl()
                  .replace("redis://", "redis://default:" + REDIS_PASSWORD + "@"))) {
        RedisTierStore.Builder hb = RedisTierStore.builder(badRedis).prefix(real.prefix());
        seen.add(hb.toString());
        RedisTierStore hot = hb.build();
        seen.add(hot.toString());
        ChromaTierStore.Builder chromaBuilder =
            ChromaTierStore.builder(real.chroma, real.embedder)
                .collection(real.collection())
                .header("x-chroma-token", CHROMA_TOKEN);
        seen.add(chromaBuilder.toString());
        ChromaTierStore cold = chromaBuilder.build();
        seen.add(cold.toString());
        TieredMemory.Builder storeBuilder =
            TieredMemory.builder("secrets")
                .hot(hot)
                .warm(real.warm())
                .cold(cold)
                .embedder(real.embedder)
                .observer(TieredMemoryMetrics.of(registry))
                .observer(feed)
                .discoverObservers(false);
        seen.add(storeBuilder.toString());
        try (TieredMemory store = storeBuilder.build()) {
          seen.add(store.toString());
          store.put("k1", "content");
          seen.add(String.valueOf(store.get("k1")));
          seen.add(store.stats().toString());
          seen.add(store.sweep().toString());
          seen.add(store.policy().toString());
          TieredMemoryEndpoint.Builder eb =
              TieredMemoryEndpoint.builder()
                  .port(0)
                  .registry(registry)
                  .feed(feed)
                  .stores(List.of(store))
                  .basicAuth("admin", ENDPOINT_PASSWORD);
          seen.add(eb.toString());
          try (TieredMemoryEndpoint endpoint = eb.start()) {
            seen.add(endpoint.toString());
            String auth = basic("admin", ENDPOINT_PASSWORD);
            seen.add(get(endpoint.uri(), "/metrics", auth, "GET").body);
            seen.add(get(endpoint.uri(), "/memory/stats", auth, "GET").body);
          }
          seen.add(feed.toString());
          seen.add(DecisionFeed.builder().toString());
          seen.add(MetricsOptions.defaults().toString());
          feed.recent(500).forEach(e -> seen.add(e.json()));
          seen.add(registry.scrape());
        }
      }
    } finally {
      capture.stop();
    }
    String logs = capture.text();
    assertThat(logs)
        .as("something was logged (the capture works)")
        .contains("jdbcUrl")
        .contains("security-url")
        .contains("security-password");
    SoftAssertions softly = new SoftAssertions();
    for (String secret : SECRETS) {
      softly.assertThat(logs).as("logs show %s", secret).doesNotContain(secret);
      for (String s : seen) {
        softly.assertThat(s).as("shown: %s", abbreviate(s)).doesNotContain(secret);
      }
    }
    softly
        .assertThat(logs)
        .as("a JDBC URL with its password")
        .doesNotContainPattern("(?i)password=[^&\\s<*]");
    softly.assertAll();
  }

  private static HikariConfig pgConfig(boolean passwordInUrl) {
    HikariConfig c = new HikariConfig();
    String url = RealServers.postgresJdbcUrl();
    if (passwordInUrl) {
      c.setJdbcUrl(url + "?user=" + RealServers.postgresUser() + "&password=" + URL_PASSWORD);
    } else {
      c.setJdbcUrl(url);
      c.setUsername(RealServers.postgresUser());
      c.setPassword(PG_PASSWORD);
    }
    c.setPoolName(passwordInUrl ? "security-url" : "security-password");
    c.setInitializationFailTimeout(-1); // start anyway; every borrow fails
    c.setConnectionTimeout(1_000);
    c.setMaximumPoolSize(2);
    return c;
  }

  /** An exception's messages down its cause chain, and its stack trace as printed. */
  private static String describe(Throwable t) {
    if (t == null) {
      return "";
    }
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  /**
   * Everything written to System.err (slf4j-simple's output) and every java.util.logging record
   * (where System.Logger goes), the library's at every level, others at INFO and above.
   */
  private static final class Capture extends Handler {
    private final StringBuilder records = new StringBuilder();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedErr;
    private Level savedLevel;

    static Capture start() {
      Capture c = new Capture();
      c.savedErr = System.err;
      System.setErr(new PrintStream(new Tee(c.err, c.savedErr), true, StandardCharsets.UTF_8));
      c.setLevel(Level.ALL);
      Logger.getLogger("").addHandler(c);
      Logger lib = Logger.getLogger("io.tieredmemory");
      c.savedLevel = lib.getLevel();
      lib.setLevel(Level.ALL);
      return c;
    }

    void stop() {
      Logger.getLogger("").removeHandler(this);
      Logger.getLogger("io.tieredmemory").setLevel(savedLevel);
      System.setErr(savedErr);
    }

    String text() {
      synchronized (records) {
        return records + "\n" + err.toString(StandardCharsets.UTF_8);
      }
    }

    @Override
    public void publish(LogRecord r) {
      StringBuilder b = new StringBuilder();
      b.append(r.getLevel()).append(' ').append(r.getLoggerName()).append(": ");
      String msg = r.getMessage();
      if (msg != null && r.getParameters() != null) {
        try {
          msg = java.text.MessageFormat.format(msg, r.getParameters());
        } catch (IllegalArgumentException e) {
          // keep the raw message
        }
      }
      b.append(msg).append('\n');
      if (r.getThrown() != null) {
        b.append(describe(r.getThrown()));
      }
      synchronized (records) {
        records.append(b);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  /** Writes to both streams: the capture and the console. */
  private static final class Tee extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    Tee(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws IOException {
      synchronized (a) {
        a.write(c);
      }
      b.write(c);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
      synchronized (a) {
        a.write(buf, off, len);
      }
      b.write(buf, off, len);
    }
  }
}
