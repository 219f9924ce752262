package io.tieredmemory.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.ForwardingTierStore;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Backend meters and bucket lists: one timer per remote tier and backend operation that was called
 * (failed calls included), failures as a counter beside it, buckets fitted to the store's tiers,
 * and a scrape of a store with three remote tiers within a third of what it was (issue 16).
 */
class BackendMetricsTest {
  private final Embedder embedder = Embedder.hashing();

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

  private static double sample(String scrape, String series) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1));
      }
    }
    return Double.NaN;
  }

  private static List<String> bucketBounds(String scrape, String family, String labels) {
    List<String> les = new ArrayList<>();
    Matcher m =
        Pattern.compile(
                "^" + Pattern.quote(family + "_bucket{" + labels) + ",le=\"([^\"]+)\"\\} ",
                Pattern.MULTILINE)
            .matcher(scrape);
    while (m.find()) {
      les.add(m.group(1));
    }
    return les;
  }

  @Test
  void failedBackendCalls_areCountedBesideOneTimerPerTierAndOperation() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Remote hot = new Remote(InProcessTiers.hot());
    try (TieredMemory store =
        TieredMemory.builder("backend")
            // the test tiers say they are remote: make each read's move before it returns,
            // so what the test checks next does not race a background move
            .readMoves(ReadMoves.CALLER)
            .hot(hot)
            .warm(new Remote(InProcessTiers.warm(embedder)))
            .cold(new Remote(InProcessTiers.cold(embedder)))
            .embedder(embedder)
            .policy(TieringPolicy.custom().promoteAfter(1, Duration.ofMinutes(1)).build())
            .disableScheduledSweeps()
            .discoverObservers(false)
            .observer(TieredMemoryMetrics.of(registry))
            .build()) {
      store.put("k", "v");
      store.get("k"); // promoted: HOT now holds it
      store.get("k");
      String hotRead = "{operation=\"read\",store=\"backend\",tier=\"hot\"}";
      double readsBefore =
          sample(registry.scrape(), "tiered_memory_backend_duration_seconds_count" + hotRead);
      assertThat(readsBefore).isPositive();
      assertThat(sample(registry.scrape(), "tiered_memory_backend_errors_total" + hotRead))
          .as("the error counter exists from the first call, at 0")
          .isZero();

      hot.failReads.set(true);
      assertThat(store.get("k")).isPresent(); // WARM answers
      assertThat(store.get("k")).isPresent();
      String after = registry.scrape();
      assertThat(sample(after, "tiered_memory_backend_errors_total" + hotRead)).isEqualTo(2);
      assertThat(sample(after, "tiered_memory_backend_duration_seconds_count" + hotRead))
          .as("failed calls are timed too: the count is every call")
          .isEqualTo(readsBefore + 2);
      assertThat(after)
          .as("no outcome label; an operation never asked of a tier has no series")
          .doesNotContainPattern("tiered_memory_backend_\\w+\\{[^}]*outcome=")
          .doesNotContain("operation=\"search\",store=\"backend\",tier=\"hot\"");
      assertThat(
              bucketBounds(
                  after,
                  "tiered_memory_backend_duration_seconds",
                  "operation=\"read\",store=\"backend\",tier=\"hot\""))
          .containsExactly("1.0E-4", "5.0E-4", "0.001", "0.005", "0.025", "0.25", "+Inf");
      assertThat(
              bucketBounds(
                  after,
                  "tiered_memory_request_duration_seconds",
                  "operation=\"get\",store=\"backend\""))
          .as("a store with a remote HOT tier: REMOTE_BUCKETS")
          .containsExactly("2.5E-4", "0.001", "0.005", "0.025", "0.1", "0.5", "5.0", "+Inf");
    }
    assertThat(registry.scrape())
        .as("closing the store removes its backend meters")
        .doesNotContain("tiered_memory_backend");
  }

  @Test
  void requestBuckets_fitTheStoresTiers_unlessSet() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (TieredMemory local =
            TieredMemory.builder("local")
                .discoverObservers(false)
                .observer(TieredMemoryMetrics.of(registry))
                .build();
        TieredMemory mixed =
            TieredMemory.builder("mixed")
                .readMoves(ReadMoves.CALLER)
                .warm(new Remote(InProcessTiers.warm(embedder)))
                .embedder(embedder)
                .discoverObservers(false)
                .observer(TieredMemoryMetrics.of(registry))
                .build();
        TieredMemory chosen =
            TieredMemory.builder("chosen")
                .discoverObservers(false)
                .observer(
                    TieredMemoryMetrics.of(
                        registry,
                        io.micrometer.core.instrument.Tags.empty(),
                        MetricsOptions.defaults()
                            .withRequestBuckets(
                                List.of(Duration.ofMillis(1), Duration.ofMillis(2)))))
                .build()) {
      String scrape = registry.scrape();
      String family = "tiered_memory_request_duration_seconds";
      assertThat(bucketBounds(scrape, family, "operation=\"put\",store=\"local\""))
          .containsExactly("1.0E-6", "1.0E-5", "1.0E-4", "0.001", "0.01", "0.1", "1.0", "+Inf");
      assertThat(bucketBounds(scrape, family, "operation=\"put\",store=\"mixed\""))
          .containsExactly(
              "1.0E-6", "1.0E-5", "1.0E-4", "5.0E-4", "0.001", "0.005", "0.025", "0.1", "1.0",
              "+Inf");
      assertThat(bucketBounds(scrape, family, "operation=\"put\",store=\"chosen\""))
          .containsExactly("0.001", "0.002", "+Inf");
      assertThat(scrape)
          .as("in-process tiers have no backend series")
          .doesNotContain(
              "tiered_memory_backend_duration_seconds_count{operation=\"write\",store=\"local\"");
    }
  }

  /**
   * Issue 16's budget: a store with three remote tiers, driven through every kind of request,
   * movement, sweep and search, scrapes in at most a third of the 1,462 lines per store it took
   * before (4,386 for three stores).
   */
  @Test
  void scrapeOfAStoreWithRemoteTiers_staysWithinAThirdOfTheLinesItTook() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ManualClock clock = new ManualClock();
    try (TieredMemory store =
        TieredMemory.builder("budget")
            .readMoves(ReadMoves.CALLER)
            .hot(new Remote(InProcessTiers.hot()))
            .warm(new Remote(InProcessTiers.warm(embedder)))
            .cold(new Remote(InProcessTiers.cold(embedder)))
            .embedder(embedder)
            .clock(clock)
            .policy(TieringPolicy.custom().hotCapacity(10).rehydrate(true, true).build())
            .disableScheduledSweeps()
            .discoverObservers(false)
            .observer(TieredMemoryMetrics.of(registry))
            .build()) {
      for (int i = 0; i < 30; i++) {
        store.put("m:" + i, "topic " + (i % 7));
        store.get("m:" + i);
        store.get("absent:" + i);
      }
      store.sweep();
      for (int r = 0; r < 3; r++) {
        store.get("m:0");
      }
      clock.advance(Duration.ofMinutes(31));
      store.sweep();
      clock.advance(Duration.ofDays(8));
      store.sweep();
      store.get("m:1");
      store.put("m:2", "rewritten");
      store.sweep();
      store.search("topic 3", 5);
      store.delete("m:3");
      store.stats();
      String scrape = registry.scrape();
      assertThat(scrape)
          .contains("tiered_memory_backend_duration_seconds_count{operation=\"copy\"");
      assertThat(scrape.split("\n").length).isLessThanOrEqualTo(4_386 / 3);
    }
  }
}
