package io.tieredmemory.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.testkit.FaultyTierStore;
import io.tieredmemory.testkit.ManualClock;
import io.tieredmemory.testkit.ScriptedWorkload;
import io.tieredmemory.testservers.RealServers;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real thing: promtool lints what {@code /metrics} serves, and a real Prometheus scrapes the
 * endpoint and answers PromQL with the workload's exact counts.
 */
class PrometheusIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static PrometheusMeterRegistry registry;
  private static TieredMemory store;
  private static TieredMemoryEndpoint endpoint;
  private static int searchHits;

  @BeforeAll
  static void runWorkload() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ManualClock clock = new ManualClock();
    // Every get timed (timingSample 1), so the timer's count is exact too.
    TieredMemoryMetrics metrics =
        TieredMemoryMetrics.of(
            registry, Tags.empty(), MetricsOptions.defaults().withTimingSample(1));
    store =
        TieredMemory.builder("prom-it")
            .clock(clock)
            .policy(ScriptedWorkload.policy())
            .readMoves(ReadMoves.CALLER) // the script counts each move as it happens
            .discoverObservers(false)
            // A tier that reports itself remote, so backend latency series exist too.
            .cold(new FaultyTierStore(InProcessTiers.cold(Embedder.hashing())))
            .observer(metrics)
            .observer(DecisionFeed.builder().registry(registry).build())
            .build();
    searchHits = ScriptedWorkload.run(store, clock).searchHits();
    metrics.refresh();
    endpoint =
        TieredMemoryEndpoint.builder().port(0).registry(registry).stores(List.of(store)).start();
  }

  @AfterAll
  static void close() {
    endpoint.close();
    store.close();
  }

  private static String body(URI uri) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  void promtoolCheckMetrics_reportsNoProblems() throws Exception {
    Path scrape = Files.createTempFile("tiered-memory-metrics", ".prom");
    try {
      Files.writeString(scrape, body(endpoint.uri().resolve("/metrics")));
      Process p =
          new ProcessBuilder(RealServers.promtoolBinary(), "check", "metrics")
              .redirectInput(scrape.toFile())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(out).as("promtool check metrics output").isBlank();
      assertThat(p.exitValue()).isZero();
    } finally {
      Files.deleteIfExists(scrape);
    }
  }

  @Test
  void realPrometheus_scrapesTheEndpoint_andPromqlReturnsTheWorkloadsCounts() throws Exception {
    int port = RealServers.prometheusPort();
    Path dir = Files.createTempDirectory("tiered-memory-prometheus");
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "global:",
            "  scrape_interval: 1s",
            "scrape_configs:",
            "  - job_name: tiered-memory",
            "    static_configs:",
            "      - targets: ['127.0.0.1:" + endpoint.port() + "']",
            ""));
    Process prometheus =
        new ProcessBuilder(
                RealServers.prometheusBinary(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    URI api = URI.create("http://127.0.0.1:" + port + "/api/v1/");
    try {
      awaitTargetUp(api, dir);
      assertThat(
              query(
                  api,
                  "sum(tiered_memory_requests_total{store=\"prom-it\",operation=\"get\",tier=\"hot\",result=\"hit\"})"))
          .isEqualTo(ScriptedWorkload.HOT_HITS);
      assertThat(
              query(
                  api,
                  "sum(tiered_memory_movements_total{store=\"prom-it\",from=\"warm\",to=\"cold\"})"))
          .isEqualTo(ScriptedWorkload.ARCHIVES);
      assertThat(
              query(
                  api,
                  "sum(tiered_memory_movements_total{store=\"prom-it\",reason=\"read_frequency\"})"))
          .isEqualTo(ScriptedWorkload.PROMOTIONS);
      assertThat(query(api, "tiered_memory_items{store=\"prom-it\",tier=\"cold\"}"))
          .isEqualTo(ScriptedWorkload.FINAL_COLD);
      assertThat(
              query(
                  api,
                  "sum(tiered_memory_request_duration_seconds_count{store=\"prom-it\",operation=\"get\"})"))
          .isEqualTo(ScriptedWorkload.GETS);
      assertThat(
              query(
                  api,
                  "sum(tiered_memory_backend_duration_seconds_count{store=\"prom-it\",tier=\"cold\",operation=\"read\"})"))
          .isGreaterThanOrEqualTo(ScriptedWorkload.COLD_HITS);
      // Recall: the workload's one search, and the memories it returned by serving tier.
      assertThat(
              query(
                  api, "sum(tiered_memory_recall_results_count{store=\"prom-it\",source=\"api\"})"))
          .isEqualTo(ScriptedWorkload.SEARCHES);
      assertThat(query(api, "sum(tiered_memory_recalled_total{store=\"prom-it\"})"))
          .isEqualTo(searchHits)
          .isPositive();
      assertThat(query(api, "up{job=\"tiered-memory\"}")).isEqualTo(1);
    } finally {
      prometheus.destroy();
      if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly();
      }
      deleteTree(dir);
    }
  }

  private static void awaitTargetUp(URI api, Path dir) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        last = body(api.resolve("targets"));
        if (last.contains("\"health\":\"up\"")) {
          // A first scrape has landed; give the TSDB one more interval to answer queries.
          Thread.sleep(1500);
          return;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "Prometheus never reported the target up; last answer: "
            + last
            + "\nlog:\n"
            + Files.readString(dir.resolve("prometheus.log")));
  }

  private static final Pattern VALUE = Pattern.compile("\"value\":\\[[^,]+,\"([^\"]+)\"\\]");

  private static long query(URI api, String promql) throws Exception {
    String json =
        body(api.resolve("query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)));
    Matcher m = VALUE.matcher(json);
    assertThat(m.find()).as("a value for %s in %s", promql, json).isTrue();
    return Math.round(Double.parseDouble(m.group(1)));
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
