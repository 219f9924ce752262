package io.tieredmemory.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.SweepPlan;
import io.tieredmemory.core.SweepResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.StoredMemory;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a service relies on around sweeps, beyond their moves: the store's start, a sweep and a plan
 * may each run on any thread (the builder's, the scheduler's, an HTTP handler's) without leaving
 * the sweep lock held for the next; a plan flushes each tier's buffered statistics first, as a
 * sweep does, and a flush that fails does not make the plan incomplete; and HOT copies noted as
 * possibly stale are never served, even when the store could not remove them at start.
 */
class SweepLockAndTrustTest {
  private final ManualClock clock = new ManualClock();
  private final FaultyTierStore hot = new FaultyTierStore(InProcessTiers.hot());
  private final FaultyTierStore warm = new FaultyTierStore(InProcessTiers.warm(Embedder.hashing()));
  private final FaultyTierStore cold = new FaultyTierStore(InProcessTiers.cold(Embedder.hashing()));
  private TieredMemory store;

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  private TieredMemory open() {
    store = LocalTiers.sweepingStore("lock-and-trust", hot, warm, cold, clock).build();
    return store;
  }

  /** Runs {@code call} on a thread of its own; fails if it does not return within 10 s. */
  private static <T> T onAnotherThread(Supplier<T> call) throws Exception {
    return CompletableFuture.supplyAsync(call).get(10, TimeUnit.SECONDS);
  }

  @Test
  void start_sweep_andPlan_eachLeaveTheSweepLockFree_forCallsFromOtherThreads() throws Exception {
    open(); // the start-up check of HOT takes the sweep lock on this thread
    store.put("a", "alpha");
    hot.remove("a");
    clock.advance(Duration.ofHours(2));

    SweepPlan plan = onAnotherThread(() -> store.plan(10));
    assertThat(plan.totalMoves()).as("archive a").isEqualTo(1);
    SweepResult swept = onAnotherThread(store::sweep);
    assertThat(swept.archived()).isEqualTo(1);
    assertThat(store.plan(10).totalMoves()).as("after the sweep, on this thread").isZero();
    assertThat(onAnotherThread(store::sweep).succeeded()).isTrue();
  }

  @Test
  void aPlan_flushesEachTiersBufferedStatisticsFirst_andAFailedFlushIsListedButNotIncomplete() {
    open();
    long[] before = {hot.calls("flush"), warm.calls("flush"), cold.calls("flush")};
    assertThat(store.plan(10).complete()).isTrue();
    assertThat(new long[] {hot.calls("flush"), warm.calls("flush"), cold.calls("flush")})
        .containsExactly(before[0] + 1, before[1] + 1, before[2] + 1);

    warm.failing("flush").set(true);
    SweepPlan plan = store.plan(10);
    assertThat(plan.skippedSteps()).containsExactly("flush warm");
    assertThat(plan.complete())
        .as("statistics not yet flushed make a plan less fresh, not a step missing")
        .isTrue();
  }

  @Test
  void hotCopiesNotedAsStale_areNotServed_whenTheStoreCouldNotRemoveThemAtStart() {
    Instant t = clock.instant();
    Memory old = new Memory("k", "old", Map.of(), t, t, 1);
    Memory current = new Memory("k", "current", Map.of(), t, t, 2);
    // What a process that died mid-put leaves: WARM has the new version, HOT still the old one,
    // and WARM's journal notes HOT's copy as possibly stale.
    hot.copyIn(new StoredMemory(old, 0, t.toEpochMilli()));
    warm.copyIn(new StoredMemory(current, 0, t.toEpochMilli()));
    warm.journal().orElseThrow().note(Tier.HOT, Map.of("k", 2L));
    hot.failing("removeAllIfOlder").set(true);

    open(); // cannot remove the stale copy: logs a warning, and reads skip HOT
    assertThat(store.get("k").orElseThrow().content()).isEqualTo("current");
    assertThat(hot.peek("k")).as("the stale copy is still there").isNotNull();

    hot.failing("removeAllIfOlder").set(false);
    assertThat(store.sweep().reconciled()).as("the sweep removes it").isEqualTo(1);
    assertThat(hot.peek("k")).isNull();
    assertThat(warm.journal().orElseThrow().notes(Tier.HOT, 10)).isEmpty();
    store.put("k", "newest");
    long hotReads = hot.calls("read");
    assertThat(store.get("k").orElseThrow().content()).isEqualTo("newest");
    assertThat(hot.calls("read"))
        .as("HOT is trusted again: it serves the read")
        .isGreaterThan(hotReads);
  }
}
