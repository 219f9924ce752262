package io.tieredmemory.testservers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Prometheus ({@link RealServers#prometheusBinary()}, on {@link
 * RealServers#prometheusPort()}) scraping one target every second, and the shipped Grafana
 * dashboard's queries to ask it. Stopped, by its PID, and its data deleted by {@link #close()}.
 *
 * <pre>{@code
 * try (ScrapingPrometheus prometheus = ScrapingPrometheus.start("127.0.0.1:8080", "/actuator/prometheus")) {
 *   assertThat(prometheus.hasData("tiered_memory_items")).isTrue();
 * }
 * }</pre>
 */
public final class ScrapingPrometheus implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One panel query of the dashboard, with Grafana's variables filled in. */
  public record Query(String panel, String refId, String promql) {
    @Override
    public String toString() {
      return panel + " [" + refId + "]: " + promql;
    }
  }

  private final Process process;
  private final Path dir;
  private final URI api;

  private ScrapingPrometheus(Process process, Path dir, URI api) {
    this.process = process;
    this.dir = dir;
    this.api = api;
  }

  /** Starts Prometheus scraping {@code hostPort} at {@code metricsPath} every second. */
  public static ScrapingPrometheus start(String hostPort, String metricsPath) throws IOException {
    Path dir = Files.createTempDirectory("tiered-memory-prometheus");
    int port = RealServers.prometheusPort();
    Files.writeString(
        dir.resolve("prometheus.yml"),
        String.join(
            "\n",
            "global:",
            "  scrape_interval: 1s",
            "scrape_configs:",
            "  - job_name: service",
            "    metrics_path: " + metricsPath,
            "    static_configs:",
            "      - targets: ['" + hostPort + "']",
            ""));
    Process process =
        new ProcessBuilder(
                RealServers.prometheusBinary(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    return new ScrapingPrometheus(
        process, dir, URI.create("http://127.0.0.1:" + port + "/api/v1/"));
  }

  /**
   * The PromQL of every panel of {@code docs/grafana/tiered-memory-dashboard.json} (found above the
   * working directory), {@code $store} and {@code $instance} as {@code .*}, the intervals as 1m and
   * 15s.
   */
  public static List<Query> dashboardQueries() {
    Path dashboard = LocalServers.repoRoot().resolve("docs/grafana/tiered-memory-dashboard.json");
    List<Query> out = new ArrayList<>();
    try {
      for (JsonNode panel : JSON.readTree(dashboard.toFile()).path("panels")) {
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
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Whether {@code promql} answers with at least one series (false while Prometheus starts). */
  public boolean hasData(String promql) throws InterruptedException {
    return count(promql) > 0;
  }

  /** How many series {@code promql} answers with (0 while Prometheus starts). */
  public long count(String promql) throws InterruptedException {
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
          ? body.path("data").path("result").size()
          : 0;
    } catch (IOException e) {
      return 0; // still starting
    }
  }

  /**
   * Polls every {@code period} until each of {@code queries} answers with data, for at most {@code
   * within}: rates over 1m need a few scrapes after each kind of traffic has started. Returns the
   * queries still without data (empty when all answered).
   */
  public List<String> awaitData(List<Query> queries, Duration within, Duration period)
      throws InterruptedException {
    List<String> empty = new ArrayList<>();
    long deadline = System.nanoTime() + within.toNanos();
    do {
      Thread.sleep(period.toMillis());
      empty.clear();
      for (Query q : queries) {
        if (!hasData(q.promql())) {
          empty.add(q.toString());
        }
      }
    } while (!empty.isEmpty() && System.nanoTime() < deadline);
    return empty;
  }

  /**
   * Polls every 2 s, for at most {@code within}, until {@code tiered_memory_movements_total} shows
   * all four flows (warm to hot, hot to warm, warm to cold, cold to warm) over the last 5 minutes;
   * returns how many it shows.
   */
  public long awaitMovementFlows(Duration within) throws InterruptedException {
    long flows = 0;
    long deadline = System.nanoTime() + within.toNanos();
    while (flows < 4 && System.nanoTime() < deadline) {
      Thread.sleep(2_000);
      flows = count("sum by (from, to) (increase(tiered_memory_movements_total[5m])) > 0");
    }
    return flows;
  }

  /**
   * Each target's health and last scrape error, as Prometheus's targets page has them (for
   * assertion messages: a scrape Prometheus refused explains every query without data).
   */
  public String targets() throws InterruptedException {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(api.resolve("targets")).build(),
              HttpResponse.BodyHandlers.ofString());
      List<String> out = new ArrayList<>();
      for (JsonNode t : JSON.readTree(r.body()).path("data").path("activeTargets")) {
        out.add(
            t.path("scrapeUrl").asText()
                + " "
                + t.path("health").asText()
                + (t.path("lastError").asText().isEmpty()
                    ? ""
                    : " (" + t.path("lastError").asText() + ")"));
      }
      return String.join("; ", out);
    } catch (IOException e) {
      return "Prometheus not answering: " + e;
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
