package io.tieredmemory.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.TierStore;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** /memory/events: each decision once, in order; slow clients never slow the store. */
class DecisionFeedTest {
  private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

  /** The HOT tier of the stores built here, so a test can drop a key's HOT copy. */
  private final TierStore hot = InProcessTiers.hot();

  private TieredMemory store(PrometheusMeterRegistry registry, DecisionFeed feed) {
    return TieredMemory.builder("feed")
        .discoverObservers(false)
        .hot(hot)
        .policy(TieringPolicy.custom().promoteAfter(1, Duration.ofMinutes(1)).build())
        .observer(TieredMemoryMetrics.of(registry))
        .observer(feed)
        .build();
  }

  /** Puts keys, drops their HOT copies, and reads each once: one promotion per key. */
  private void promote(TieredMemory store, int n, String prefix) {
    for (int i = 0; i < n; i++) {
      store.put(prefix + i, "c" + i);
      hot.remove(prefix + i);
      store.get(prefix + i);
    }
  }

  @Test
  void events_deliverEachDecisionOnceInOrder_overServerSentEvents() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DecisionFeed feed = DecisionFeed.builder().registry(registry).build();
    try (TieredMemory store = store(registry, feed);
        TieredMemoryEndpoint endpoint =
            TieredMemoryEndpoint.builder()
                .port(0)
                .registry(registry)
                .feed(feed)
                .stores(List.of(store))
                .start()) {
      promote(store, 5, "before-");
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<InputStream> r =
          http.send(
              HttpRequest.newBuilder(endpoint.uri().resolve("/memory/events")).build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type"))
          .hasValue("text/event-stream; charset=utf-8");
      promote(store, 50, "after-");

      List<Long> seqs = new ArrayList<>();
      List<String> events = new ArrayList<>();
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        String line;
        while (seqs.size() < 55 && (line = in.readLine()) != null) {
          if (line.startsWith("event: ")) {
            events.add(line.substring(7));
          }
          if (line.startsWith("data: ")) {
            Matcher m = SEQ.matcher(line);
            assertThat(m.find()).isTrue();
            seqs.add(Long.parseLong(m.group(1)));
            assertThat(line)
                .doesNotContain("before-")
                .doesNotContain("after-")
                .contains("\"key\":\"k:");
          }
        }
      }
      assertThat(seqs).hasSize(55);
      for (int i = 0; i < seqs.size(); i++) {
        assertThat(seqs.get(i)).isEqualTo(i + 1L);
      }
      assertThat(events).containsOnly("promoted");
    }
  }

  @Test
  void slowSubscriber_losesOldestDecisions_storeNeverWaits() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DecisionFeed feed = DecisionFeed.builder().registry(registry).subscriberBuffer(10).build();
    try (TieredMemory store = store(registry, feed);
        DecisionFeed.Subscription slow = feed.subscribe();
        DecisionFeed.Subscription fast = feed.subscribeAfter(Long.MAX_VALUE)) {
      long start = System.nanoTime();
      List<Long> fastSeen = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        promote(store, 1, "k" + i + "-");
        DecisionFeed.Entry e = fast.poll(Duration.ofSeconds(1));
        fastSeen.add(e.sequence());
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(took).isLessThan(Duration.ofSeconds(10));
      assertThat(fastSeen).hasSize(200).isSorted().doesNotHaveDuplicates();
      assertThat(fast.lost()).isZero();
      assertThat(slow.lost()).isEqualTo(190);
      assertThat(feed.dropped()).isEqualTo(190);
      assertThat(registry.get("tiered.memory.events.dropped").counter().count()).isEqualTo(190);
      // What the slow one still has is the newest ten, in order.
      List<Long> kept = new ArrayList<>();
      DecisionFeed.Entry e;
      while ((e = slow.poll(Duration.ofMillis(10))) != null) {
        kept.add(e.sequence());
      }
      assertThat(kept).containsExactly(191L, 192L, 193L, 194L, 195L, 196L, 197L, 198L, 199L, 200L);
    }
  }

  @Test
  void keys_areHashedUnlessRevealed_andContentNeverAppears() {
    DecisionFeed hashed =
        DecisionFeed.builder()
            .keySalt("s")
            .registry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
            .build();
    DecisionFeed revealed =
        DecisionFeed.builder()
            .revealKeys(true)
            .registry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
            .build();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (TieredMemory store =
        TieredMemory.builder("keys")
            .discoverObservers(false)
            .hot(hot)
            .policy(TieringPolicy.custom().promoteAfter(1, Duration.ofMinutes(1)).build())
            .observer(hashed)
            .observer(revealed)
            .observer(TieredMemoryMetrics.of(registry))
            .build()) {
      promote(store, 1, "user:42:");
    }
    String h = hashed.recent(10).get(0).json();
    String r = revealed.recent(10).get(0).json();
    assertThat(h)
        .doesNotContain("user:42")
        .matches(".*\"key\":\"k:[0-9a-f]{12}\".*")
        .doesNotContain("c0");
    assertThat(r).contains("\"key\":\"user:42:0\"").doesNotContain("\"c0\"");
    assertThat(hashed.keyLabel("user:42:0")).isEqualTo(hashed.keyLabel("user:42:0"));
    assertThat(DecisionFeed.builder().keySalt("other").build().keyLabel("user:42:0"))
        .isNotEqualTo(hashed.keyLabel("user:42:0"));
  }
}
