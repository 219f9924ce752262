package io.tieredmemory.examples.biometric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every query of the shipped Grafana dashboard returns data from a real Prometheus that scraped the
 * example service under load, on real Redis, PostgreSQL and Chroma (so the backend panels have
 * series too). Grafana itself cannot run here: this is the next best proof that the panels show
 * something.
 */
class DashboardQueriesIT {
  private static final Path DASHBOARD =
      Path.of("..", "..", "docs", "grafana", "tiered-memory-dashboard.json");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One panel query: where it comes from and its PromQL with Grafana's variables filled in. */
  record Query(String panel, String refId, String promql) {}

  static List<Query> queries() throws IOException {
    List<Query> out = new ArrayList<>();
    for (JsonNode panel : JSON.readTree(DASHBOARD.toFile()).path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        if (expr.isBlank()) {
          continue;
        }
        String promql =
            expr.replace("$store", ".*")
                .replace("$instance", ".*")
                .replace("$__rate_interval", "1m")
                .replace("$__interval", "15s");
        out.add(new Query(panel.path("title").asText(), target.path("refId").asText(), promql));
      }
    }
    return out;
  }

  @Test
  @Timeout(240)
  void everyDashboardQuery_returnsData_fromPrometheusScrapingTheDemo() throws Exception {
    List<Query> queries = queries();
    assertThat(queries).hasSizeGreaterThan(20);

    String run = UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put(ServiceConfig.PORT, "0");
    env.put(ServiceConfig.REDIS_PREFIX, "tm:dashboard-it-" + run + ":");
    env.put(ServiceConfig.PG_TABLE, "dashboard_it_" + run);
    env.put(ServiceConfig.CHROMA_COLLECTION, "dashboard-it-" + run);
    ServiceConfig config = ServiceConfig.load(env, new Properties());
    try {
      config.requireReal();
    } catch (ServiceConfig.ConfigException e) {
      fail(e.getMessage() + " (scripts/test.sh starts the servers and sets them)");
    }
    BiometricService.Settings settings = BiometricService.Settings.scaled(config, 0.3);
    Path dir = Files.createTempDirectory("tiered-memory-dashboard-it");
    int promPort = RealServers.prometheusPort();
    Process prometheus = null;
    try (BiometricService service = BiometricService.start(settings)) {
      Files.writeString(
          dir.resolve("prometheus.yml"),
          String.join(
              "\n",
              "global:",
              "  scrape_interval: 1s",
              "scrape_configs:",
              "  - job_name: biometric-api",
              "    static_configs:",
              "      - targets: ['127.0.0.1:" + service.port() + "']",
              ""));
      prometheus =
          new ProcessBuilder(
                  RealServers.prometheusBinary(),
                  "--config.file=" + dir.resolve("prometheus.yml"),
                  "--storage.tsdb.path=" + dir.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + promPort)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("prometheus.log").toFile())
              .start();
      SimulatedAgent agent =
          new SimulatedAgent(
              service.uri(),
              7,
              settings.policy().archive().idle().plus(settings.sweepEvery().multipliedBy(2)));
      agent.start();
      URI api = URI.create("http://127.0.0.1:" + promPort + "/api/v1/");
      // Rates over 1m need a few scrapes after each kind of traffic has started: poll until every
      // query answers, for at most two and a half minutes.
      List<String> empty = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
      do {
        Thread.sleep(5_000);
        empty.clear();
        for (Query q : queries) {
          if (!hasData(api, q.promql())) {
            empty.add(q.panel() + " [" + q.refId() + "]: " + q.promql());
          }
        }
      } while (!empty.isEmpty() && System.nanoTime() < deadline);
      assertThat(empty).as("dashboard queries without data").isEmpty();
      // Under load, not just present: every kind of movement shows in what Prometheus scraped.
      long flows = 0;
      long flowDeadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (flows < 4 && System.nanoTime() < flowDeadline) {
        Thread.sleep(2_000);
        flows = count(api, "sum by (from, to) (increase(tiered_memory_movements_total[5m])) > 0");
      }
      agent.close();
      assertThat(flows)
          .as("movement flows (warm->hot, hot->warm, warm->cold, cold->warm) seen")
          .isEqualTo(4);
    } finally {
      if (prometheus != null) {
        prometheus.destroy();
        if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly();
        }
      }
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static long count(URI api, String promql) throws InterruptedException {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(
                      api.resolve(
                          "query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(r.body()).path("data").path("result").size();
    } catch (IOException e) {
      return 0;
    }
  }

  private static boolean hasData(URI api, String promql) throws InterruptedException {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(
                      api.resolve(
                          "query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(r.body());
      return "success".equals(body.path("status").asText())
          && body.path("data").path("result").size() > 0;
    } catch (IOException e) {
      return false; // Prometheus still starting
    }
  }
}
