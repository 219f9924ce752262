package io.tieredmemory.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.core.Operation;
import io.tieredmemory.core.RequestResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.spi.TierObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Requests are counted exactly, from many threads at once (per-thread cells summed at scrape), and
 * gets of an in-process HOT tier are timed one in {@link MetricsOptions#timingSample()}.
 */
class RequestCountingTest {

  private static double requests(
      PrometheusMeterRegistry registry, String store, String op, String tier, String result) {
    FunctionCounter c =
        registry
            .get("tiered.memory.requests")
            .tags("store", store, "operation", op, "tier", tier, "result", result)
            .functionCounter();
    return c.count();
  }

  private static long timed(PrometheusMeterRegistry registry, String store, String op) {
    return registry
        .get("tiered.memory.request.duration")
        .tags("store", store, "operation", op)
        .timer()
        .count();
  }

  @Test
  void manyThreads_hitsMissesAndPuts_areCountedExactly_atScrape() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (TieredMemory store =
        TieredMemory.builder("counted")
            .disableScheduledSweeps()
            .discoverObservers(false)
            .observer(TieredMemoryMetrics.of(registry))
            .build()) {
      for (int i = 0; i < 64; i++) {
        store.put("k" + i, "v" + i, Map.of());
      }
      int threads = 8;
      int each = 20_000;
      CountDownLatch go = new CountDownLatch(1);
      AtomicBoolean done = new AtomicBoolean();
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int self = t;
        Thread w =
            new Thread(
                () -> {
                  try {
                    go.await();
                  } catch (InterruptedException e) {
                    throw new AssertionError(e);
                  }
                  for (int i = 0; i < each; i++) {
                    store.get("k" + (i & 63)); // a HOT hit (puts write through)
                    if (i % 10 == 0) {
                      store.get("absent-" + self); // a miss
                    }
                  }
                  store.put("t" + self, "v", Map.of());
                });
        w.start();
        workers.add(w);
      }
      // Scrapes while the requests run: the hit count never goes down.
      List<Double> seen = new ArrayList<>();
      Thread scraper =
          new Thread(
              () -> {
                while (!done.get()) {
                  registry.scrape();
                  seen.add(requests(registry, "counted", "get", "hot", "hit"));
                }
              });
      scraper.start();
      go.countDown();
      for (Thread w : workers) {
        w.join();
      }
      done.set(true);
      scraper.join();

      assertThat(requests(registry, "counted", "get", "hot", "hit"))
          .isEqualTo((double) threads * each);
      assertThat(requests(registry, "counted", "get", "none", "miss"))
          .isEqualTo((double) threads * each / 10);
      assertThat(requests(registry, "counted", "put", "warm", "success")).isEqualTo(64 + threads);
      assertThat(registry.scrape())
          .contains(
              "tiered_memory_requests_total{operation=\"get\",result=\"hit\",store=\"counted\",tier=\"hot\"} "
                  + (threads * each)
                  + ".0");
      assertThat(seen).isSorted();
    }
  }

  @Test
  void timingSampleOne_timesEveryGet_andTheCountsStayExact() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MetricsOptions everyGet = MetricsOptions.defaults().withTimingSample(1);
    try (TieredMemory store =
        TieredMemory.builder("every")
            .disableScheduledSweeps()
            .discoverObservers(false)
            .observer(TieredMemoryMetrics.of(registry, Tags.empty(), everyGet))
            .build()) {
      store.put("k", "v", Map.of());
      for (int i = 0; i < 1_000; i++) {
        store.get("k");
      }
      store.get("absent");
      assertThat(timed(registry, "every", "get")).isEqualTo(1_001);
      assertThat(requests(registry, "every", "get", "hot", "hit")).isEqualTo(1_000);
      assertThat(timed(registry, "every", "put")).isEqualTo(1);
    }
  }

  @Test
  void byDefault_oneInProcessGetIn128_isTimed_whileEveryGetIsCounted() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (TieredMemory store =
        TieredMemory.builder("sampled")
            .disableScheduledSweeps()
            .discoverObservers(false)
            .observer(TieredMemoryMetrics.of(registry))
            .build()) {
      assertThat(MetricsOptions.defaults().timingSample()).isEqualTo(128);
      int puts = 100;
      for (int i = 0; i < puts; i++) {
        store.put("k" + i, "v", Map.of());
      }
      int gets = 128_000;
      for (int i = 0; i < gets; i++) {
        store.get("k" + (i % puts));
      }
      assertThat(requests(registry, "sampled", "get", "hot", "hit")).isEqualTo(gets);
      // Binomial(128,000, 1/128): mean 1,000, standard deviation ~31; these bounds are 10 of them.
      assertThat(timed(registry, "sampled", "get")).isBetween(690L, 1_310L);
      // Every put is timed.
      assertThat(timed(registry, "sampled", "put")).isEqualTo(puts);
    }
  }

  /** Records which gets were timed. */
  private static final class Durations implements TierObserver {
    final int sample;
    final AtomicLong gets = new AtomicLong();
    final AtomicLong timedGets = new AtomicLong();

    Durations(int sample) {
      this.sample = sample;
    }

    @Override
    public int timingSample() {
      return sample;
    }

    @Override
    public void requestCompleted(
        Operation operation, @Nullable Tier tier, RequestResult result, long durationNanos) {
      if (operation == Operation.GET) {
        gets.incrementAndGet();
        if (durationNanos >= 0) {
          timedGets.incrementAndGet();
        }
      }
    }
  }

  @Test
  void theSmallestSampleAnObserverAsks_isTheStores() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Durations everyOne = new Durations(1);
    Durations noPreference = new Durations(0);
    try (TieredMemory store =
        TieredMemory.builder("smallest")
            .disableScheduledSweeps()
            .discoverObservers(false)
            .observer(TieredMemoryMetrics.of(registry))
            .observer(everyOne)
            .observer(noPreference)
            .build()) {
      store.put("k", "v", Map.of());
      for (int i = 0; i < 500; i++) {
        store.get("k");
      }
      assertThat(everyOne.timedGets.get()).isEqualTo(500);
      assertThat(noPreference.timedGets.get()).isEqualTo(500);
      assertThat(timed(registry, "smallest", "get")).isEqualTo(500);
    }
  }

  @Test
  void withoutAPreference_oneGetIn16_isTimed() {
    Durations noPreference = new Durations(0);
    try (TieredMemory store =
        TieredMemory.builder("default-sample")
            .disableScheduledSweeps()
            .discoverObservers(false)
            .observer(noPreference)
            .build()) {
      store.put("k", "v", Map.of());
      for (int i = 0; i < 16_000; i++) {
        store.get("k");
      }
      assertThat(noPreference.gets.get()).isEqualTo(16_000);
      // Binomial(16,000, 1/16): mean 1,000, standard deviation ~31.
      assertThat(noPreference.timedGets.get()).isBetween(690L, 1_310L);
    }
  }

  @Test
  void aWrapperThatDoesNotForwardTheCounts_failsTheBuild_sayingWhatToForward() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TieredMemoryMetrics metrics = TieredMemoryMetrics.of(registry);
    TierObserver wrapper =
        new TierObserver() {
          @Override
          public void attached(TieredMemory store) {
            metrics.attached(store);
          }

          @Override
          public void requestCompleted(
              Operation operation, @Nullable Tier tier, RequestResult result, long nanos) {
            metrics.requestCompleted(operation, tier, result, nanos);
          }
        };
    TieredMemory.Builder builder =
        TieredMemory.builder("wrapped").disableScheduledSweeps().discoverObservers(false);
    assertThatThrownBy(() -> builder.observer(wrapper).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'wrapped'")
        .hasMessageContaining("wantsUntimedGets() and requestCounts()");
    assertThat(registry.find("tiered.memory.requests").meters()).isEmpty();
  }

  @Test
  void badSamples_areRefused_namingTheValue() {
    assertThatThrownBy(() -> MetricsOptions.defaults().withTimingSample(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timingSample")
        .hasMessageContaining("was 0");
    TieredMemory.Builder builder =
        TieredMemory.builder("refused")
            .disableScheduledSweeps()
            .discoverObservers(false)
            .observer(new Durations(-3));
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timingSample()")
        .hasMessageContaining("was -3");
  }
}
