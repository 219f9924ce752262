package io.tieredmemory.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.ForwardingTierStore;
import io.tieredmemory.core.spi.TierStore;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * {@code MetricsOptions.withNativeHistograms(true)} against the real Prometheus, started with
 * {@code --enable-feature=native-histograms}: it scrapes the endpoint's protobuf format and answers
 * {@code histogram_count} and {@code histogram_quantile} on the backend duration, which has no
 * classic series in Prometheus.
 */
class NativeHistogramsIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern VALUE = Pattern.compile("\"value\":\\[[^,]+,\"([^\"]+)\"\\]");

  /** An in-process tier that says it is remote; its reads fail while {@code failReads} is set. */
  private static final class Remote extends ForwardingTierStore {
    final AtomicBoolean failReads = new AtomicBoolean();

    Remote(TierStore delegate) {
      super(delegate);
    }

    @Override
    public boolean isRemote() {
      return true;
    }

    @Override
    public @Nullable Memory read(String key, long nowMillis) {
      if (failReads.get()) {
        throw new IllegalStateException("connection refused (test)");
      }
      return super.read(key, nowMillis);
    }
  }

  @Test
  void realPrometheus_withNativeHistograms_answersQuantilesOfTheBackendDuration() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Embedder embedder = Embedder.hashing();
    Remote hot = new Remote(InProcessTiers.hot());
    MetricsOptions options = MetricsOptions.defaults().withNativeHistograms(true);
    try (TieredMemory store =
            TieredMemory.builder("native-it")
                // the test tiers say they are remote: make each read's move before it returns,
                // so what the test checks next does not race a background move
                .readMoves(ReadMoves.CALLER)
                .hot(hot)
                .warm(new Remote(InProcessTiers.warm(embedder)))
                .cold(new Remote(InProcessTiers.cold(embedder)))
                .embedder(embedder)
                .disableScheduledSweeps()
                .discoverObservers(false)
                .observer(TieredMemoryMetrics.of(registry, Tags.empty(), options))
                .build();
        TieredMemoryEndpoint endpoint =
            TieredMemoryEndpoint.builder()
                .port(0)
                .registry(registry)
                .stores(List.of(store))
                .start()) {
      for (int i = 0; i < 40; i++) {
        store.put("k" + i, "v" + i);
      }
      for (int r = 0; r < 3; r++) {
        for (int i = 0; i < 40; i++) {
          store.get("k" + i); // promotions, then HOT hits
        }
      }
      hot.failReads.set(true);
      for (int i = 0; i < 5; i++) {
        store.get("k" + i); // HOT fails, WARM answers
      }
      hot.failReads.set(false);

      String text = registry.scrape();
      String hotRead = "{operation=\"read\",store=\"native-it\",tier=\"hot\"}";
      assertThat(text)
          .contains("tiered_memory_backend_duration_seconds_count" + hotRead)
          .contains("tiered_memory_backend_errors_total" + hotRead + " 5.0")
          .as("in the text format, a native histogram has only its +Inf bucket, count and sum")
          .doesNotContainPattern("tiered_memory_backend_duration_seconds_bucket\\{[^}]*le=\"[0-9]")
          .doesNotContain("tiered_memory_backend_duration_seconds_max")
          .as("other histograms stay classic")
          .contains("tiered_memory_request_duration_seconds_bucket");
      long hotReads = sample(text, "tiered_memory_backend_duration_seconds_count" + hotRead);
      assertThat(hotReads).isGreaterThan(40);

      int port = RealServers.prometheusPort();
      Path dir = Files.createTempDirectory("tiered-memory-prometheus-native");
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(
          config,
          String.join(
              "\n",
              "global:",
              "  scrape_interval: 1s",
              "scrape_configs:",
              "  - job_name: native",
              "    static_configs:",
              "      - targets: ['127.0.0.1:" + endpoint.port() + "']",
              ""));
      Process prometheus =
          new ProcessBuilder(
                  RealServers.prometheusBinary(),
                  "--enable-feature=native-histograms",
                  "--config.file=" + config,
                  "--storage.tsdb.path=" + dir.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + port)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("prometheus.log").toFile())
              .start();
      URI api = URI.create("http://127.0.0.1:" + port + "/api/v1/");
      try {
        String selector = "tiered_memory_backend_duration_seconds" + hotRead;
        awaitAnswer(api, "histogram_count(" + selector + ")", dir);
        assertThat(value(api, "histogram_count(" + selector + ")"))
            .as("the native histogram's count, as scraped in protobuf")
            .isEqualTo(hotReads);
        assertThat(value(api, "sum(tiered_memory_backend_errors_total" + hotRead + ")"))
            .isEqualTo(5);
        assertThat(
                series(
                    api,
                    "histogram_quantile(0.95, sum by (tier, operation) (tiered_memory_backend_duration_seconds{store=\"native-it\"}))"))
            .as("a p95 per tier and operation, with no le label")
            .isPositive();
        assertThat(
                value(
                    api,
                    "sum(tiered_memory_backend_errors_total"
                        + hotRead
                        + ") / histogram_count(sum("
                        + selector
                        + ")) * "
                        + hotReads))
            .as("the error ratio, with histogram_count as its denominator")
            .isEqualTo(5);
        assertThat(
                series(
                    api,
                    "{__name__=~\"tiered_memory_backend_duration_seconds_(bucket|count|sum)\"}"))
            .as("Prometheus 2.42 stores the native histogram only: no _bucket, _count or _sum")
            .isZero();
      } finally {
        prometheus.destroy();
        if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly();
        }
        deleteTree(dir);
      }
    }
    assertThat(registry.scrape())
        .as("closing the store removes its native series")
        .doesNotContain("store=\"native-it\"");
  }

  private static long sample(String text, String series) {
    for (String line : text.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Math.round(Double.parseDouble(line.substring(series.length() + 1)));
      }
    }
    throw new AssertionError("no " + series + " in\n" + text);
  }

  private static String body(URI uri) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static String query(URI api, String promql) throws Exception {
    return body(api.resolve("query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)));
  }

  private static void awaitAnswer(URI api, String promql, Path dir) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        last = query(api, promql);
        if (VALUE.matcher(last).find()) {
          return;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "Prometheus never answered "
            + promql
            + "; last answer: "
            + last
            + "\nlog:\n"
            + Files.readString(dir.resolve("prometheus.log")));
  }

  private static long value(URI api, String promql) throws Exception {
    String json = query(api, promql);
    Matcher m = VALUE.matcher(json);
    assertThat(m.find()).as("a value for %s in %s", promql, json).isTrue();
    return Math.round(Double.parseDouble(m.group(1)));
  }

  private static int series(URI api, String promql) throws Exception {
    String json = query(api, promql);
    assertThat(json).as(promql).contains("\"status\":\"success\"");
    int n = 0;
    for (int i = json.indexOf("\"metric\""); i >= 0; i = json.indexOf("\"metric\"", i + 1)) {
      n++;
    }
    return n;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
