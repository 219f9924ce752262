package io.tieredmemory.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.ForwardingTierStore;
import io.tieredmemory.core.spi.TierStore;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The binding's shape: one store per binding, extra tags, no series merged, nothing left over. */
class TieredMemoryMetricsTest {

  private static TieredMemory store(String name, TieredMemoryMetrics metrics) {
    return TieredMemory.builder(name).discoverObservers(false).observer(metrics).build();
  }

  private static boolean threadAlive(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals(name) && t.isAlive());
  }

  @Test
  void extraTags_areOnEverySeries_besideTheStoreName() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (TieredMemory store =
        store("tagged", TieredMemoryMetrics.of(registry, Tags.of("region", "eu")))) {
      store.put("k", "v");
      store.get("k");
      assertThat(registry.getMeters())
          .isNotEmpty()
          .allSatisfy(
              m -> {
                assertThat(m.getId().getTag("region")).isEqualTo("eu");
                assertThat(m.getId().getTag("store")).isEqualTo("tagged");
              });
      assertThat(
              registry
                  .get("tiered.memory.requests")
                  .tags("region", "eu", "operation", "get", "result", "hit", "tier", "hot")
                  .functionCounter()
                  .count())
          .isEqualTo(1);
    }
  }

  @Test
  void aStoreTag_isRefused_becauseTheBindingSetsIt() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    assertThatThrownBy(() -> TieredMemoryMetrics.of(registry, Tags.of("store", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'store'");
    assertThatThrownBy(() -> TieredMemoryMetrics.of(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("registry");
  }

  @Test
  void oneBinding_bindsOneStore_aSecondBuildFailsAndLeavesTheFirstExported() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TieredMemoryMetrics metrics = TieredMemoryMetrics.of(registry);
    try (TieredMemory first = store("first", metrics)) {
      assertThatThrownBy(() -> store("second", metrics))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("'first'")
          .hasMessageContaining("'second'");
      first.put("k", "v");
      assertThat(
              registry
                  .get("tiered.memory.requests")
                  .tags("store", "first", "operation", "put", "result", "success")
                  .functionCounter()
                  .count())
          .isEqualTo(1);
      assertThat(registry.find("tiered.memory.requests").tag("store", "second").meters()).isEmpty();
    }
  }

  @Test
  void twoStoresOfOneName_inOneRegistry_needDistinctTags() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (TieredMemory a = store("same", TieredMemoryMetrics.of(registry))) {
      assertThatThrownBy(() -> store("same", TieredMemoryMetrics.of(registry)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("'same'")
          .hasMessageContaining("merge");
      try (TieredMemory b =
          store("same", TieredMemoryMetrics.of(registry, Tags.of("shard", "2")))) {
        a.put("k", "v");
        b.put("k", "v");
        b.put("k2", "v");
        assertThat(
                registry
                    .get("tiered.memory.requests")
                    .tags("store", "same", "shard", "2", "operation", "put", "result", "success")
                    .functionCounter()
                    .count())
            .isEqualTo(2);
      }
    }
  }

  @Test
  void closingTheStore_removesItsMeters_andStopsTheRefreshThread() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TieredMemoryMetrics metrics =
        TieredMemoryMetrics.of(
            registry,
            Tags.empty(),
            MetricsOptions.defaults().withStatsRefresh(Duration.ofMillis(50)));
    TieredMemory store = store("closing", metrics);
    store.put("k", "v");
    metrics.refresh();
    assertThat(registry.get("tiered.memory.items").tags("tier", Tier.WARM.label()).gauge().value())
        .isEqualTo(1);
    assertThat(threadAlive("tiered-memory-metrics-closing")).isTrue();
    store.close();
    assertThat(registry.getMeters()).isEmpty();
    assertThat(metrics.registry()).isSameAs(registry);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (threadAlive("tiered-memory-metrics-closing") && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(threadAlive("tiered-memory-metrics-closing")).isFalse();
  }

  @Test
  void historyDropped_countsTheEntriesTheStoreCouldNotQueue() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch writing = new CountDownLatch(1);
    // WARM whose history writes wait until released: the writer holds one batch, the queue of
    // one holds the next entry, and every later one is dropped.
    TierStore warm =
        new ForwardingTierStore(InProcessTiers.warm(Embedder.hashing())) {
          @Override
          protected <T> T forward(String method, Supplier<T> call) {
            if (method.equals("append")
                && Thread.currentThread().getName().startsWith("tiered-memory-history-")) {
              writing.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            return call.get();
          }
        };
    try (TieredMemory store =
        TieredMemory.builder("hist")
            .discoverObservers(false)
            .warm(warm)
            .history(true)
            .historyQueue(1)
            .observer(TieredMemoryMetrics.of(registry))
            .build()) {
      try {
        FunctionCounter dropped =
            registry.get("tiered.memory.history.dropped").tag("store", "hist").functionCounter();
        assertThat(dropped.count()).isZero();
        store.put("k0", "v");
        assertThat(writing.await(5, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i <= 5; i++) {
          store.put("k" + i, "v");
        }
        // k1 waits in the queue; k2..k5 are dropped
        assertThat(store.historyDropped()).isEqualTo(4);
        assertThat(dropped.count()).isEqualTo(4.0);
      } finally {
        release.countDown();
      }
    }
  }
}
