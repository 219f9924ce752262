package io.tieredmemory.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.SweepResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.StoredMemory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Archival a batch at a time: one COLD copy and one WARM removal per batch, and failures of either
 * half leave every memory readable and are settled by a later sweep, with no key left in both WARM
 * and COLD and none lost.
 */
class ArchiveBatchTest {
  private static final int MEMORIES = 25;
  private static final int BATCH = 10;

  private final ManualClock clock = new ManualClock();
  private final RecordingObserver rec = new RecordingObserver();
  private final FaultyTierStore warm = new FaultyTierStore(InProcessTiers.warm(Embedder.hashing()));
  private final FaultyTierStore cold = new FaultyTierStore(InProcessTiers.cold(Embedder.hashing()));
  private TieredMemory store;

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  /** A store over the faulty WARM and COLD that archives after 1h idle, 10 candidates a batch. */
  private TieredMemory store() {
    store =
        TieredMemory.builder("batch")
            .clock(clock)
            .warm(warm)
            .cold(cold)
            .policy(
                TieringPolicy.custom()
                    .demoteWhenIdle(Duration.ofMinutes(1))
                    .archiveWhenIdle(Duration.ofHours(1))
                    .sweepBatchSize(BATCH)
                    .build())
            .autoDiscover(false)
            .observer(rec)
            .listener(rec)
            .build();
    return store;
  }

  /** {@link #MEMORIES} memories in WARM only, idle for 2h. */
  private List<String> idleWarmMemories() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < MEMORIES; i++) {
      String key = String.format("m%02d", i);
      store.put(key, "content of " + key);
      store.tier(Tier.HOT).remove(key);
      keys.add(key);
    }
    clock.advance(Duration.ofHours(2));
    return keys;
  }

  private boolean inTier(Tier tier, String key) {
    return store.tier(tier).peek(key) != null;
  }

  /**
   * Sweeps until one sweep has no failed step: a step whose backend failed backs off (1 s real
   * time) before it runs again.
   */
  private SweepResult sweepUntilClean() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    SweepResult total = null;
    while (true) {
      SweepResult r = store.sweep();
      total =
          total == null
              ? r
              : new SweepResult(
                  total.demoted() + r.demoted(),
                  total.archived() + r.archived(),
                  total.reconciled() + r.reconciled(),
                  r.failed(),
                  total.took().plus(r.took()));
      if (r.failed() == 0 || System.nanoTime() > deadline) {
        return total;
      }
      Thread.sleep(100);
    }
  }

  private void assertReadable(List<String> keys) {
    for (String key : keys) {
      Optional<Memory> m = store.get(key);
      assertThat(m).as("%s readable", key).isPresent();
      assertThat(m.get().content()).isEqualTo("content of " + key);
    }
  }

  private void assertNoneInBothWarmAndCold(List<String> keys) {
    for (String key : keys) {
      assertThat(inTier(Tier.WARM, key) && inTier(Tier.COLD, key))
          .as("%s held in both WARM and COLD", key)
          .isFalse();
    }
  }

  @Test
  void sweep_archivesABatchWithOneColdCopyAndOneWarmRemoval() {
    store();
    List<String> keys = idleWarmMemories();

    SweepResult r = store.sweep();

    assertThat(r.archived()).isEqualTo(MEMORIES);
    assertThat(r.failed()).isZero();
    int batches = (MEMORIES + BATCH - 1) / BATCH;
    assertThat(cold.calls("copyAllIn")).isEqualTo(batches);
    assertThat(warm.calls("removeAllIfVersion")).isEqualTo(batches);
    assertThat(warm.calls("peekAll")).isEqualTo(batches);
    assertThat(cold.calls("copyIn")).isZero();
    assertThat(warm.calls("removeIfVersion")).isZero();
    assertThat(warm.calls("peek")).isZero();
    for (String key : keys) {
      assertThat(inTier(Tier.WARM, key)).as(key).isFalse();
      assertThat(inTier(Tier.COLD, key)).as(key).isTrue();
    }
    assertThat(rec.events("archived")).isEqualTo(MEMORIES);
    assertThat(rec.events())
        .filteredOn(e -> e instanceof TierEvent.Archived)
        .extracting(e -> ((TierEvent.Archived) e).detail())
        .containsOnly("idle 2h");
  }

  @Test
  void coldBatchFailure_leavesEveryMemoryReadableInWarm_andTheNextSweepArchivesThem()
      throws Exception {
    store();
    List<String> keys = idleWarmMemories();
    cold.failing("copyAllIn").set(true);

    SweepResult failed = store.sweep();

    assertThat(failed.archived()).isZero();
    assertThat(failed.failed()).isEqualTo(1);
    for (String key : keys) {
      assertThat(inTier(Tier.WARM, key)).as(key).isTrue();
      assertThat(inTier(Tier.COLD, key)).as(key).isFalse();
    }
    assertThat(rec.events("archived")).isZero();
    assertReadable(keys);

    cold.failing("copyAllIn").set(false);
    clock.advance(Duration.ofHours(2)); // the reads above made them recent again
    SweepResult next = sweepUntilClean();

    assertThat(next.archived()).isEqualTo(MEMORIES);
    for (String key : keys) {
      assertThat(inTier(Tier.WARM, key)).as(key).isFalse();
      assertThat(inTier(Tier.COLD, key)).as(key).isTrue();
    }
    assertThat(rec.events("archived")).isEqualTo(MEMORIES);
    assertReadable(keys);
  }

  @Test
  void coldBatchAppliedButItsAnswerLost_nextSweepWithdrawsTheCopiesAndArchivesAgain()
      throws Exception {
    store();
    List<String> keys = idleWarmMemories();
    cold.answerLost("copyAllIn").set(true);

    assertThat(store.sweep().failed()).isEqualTo(1);
    assertThat(inTier(Tier.WARM, keys.get(0))).isTrue();
    assertThat(inTier(Tier.COLD, keys.get(0))).as("the copy was applied").isTrue();

    cold.answerLost("copyAllIn").set(false);
    SweepResult next = sweepUntilClean();

    assertThat(next.reconciled()).as("the first batch's copies withdrawn").isEqualTo(BATCH);
    assertThat(next.archived()).isEqualTo(MEMORIES);
    assertNoneInBothWarmAndCold(keys);
    assertReadable(keys);
  }

  @Test
  void warmRemovalFailure_afterColdStored_keepsMemoriesReadable_andTheNextSweepReconciles()
      throws Exception {
    store();
    List<String> keys = idleWarmMemories();
    warm.failing("removeAllIfVersion").set(true);

    SweepResult failed = store.sweep();

    assertThat(failed.archived()).isZero();
    assertThat(failed.failed()).isEqualTo(1);
    List<String> firstBatch = keys.subList(0, BATCH);
    for (String key : firstBatch) {
      assertThat(inTier(Tier.WARM, key)).as(key).isTrue();
      assertThat(inTier(Tier.COLD, key)).as(key).isTrue();
    }
    assertReadable(keys);

    warm.failing("removeAllIfVersion").set(false);
    clock.advance(Duration.ofHours(2));
    SweepResult next = sweepUntilClean();

    assertThat(next.reconciled()).isEqualTo(BATCH);
    assertThat(next.archived()).isEqualTo(MEMORIES);
    assertNoneInBothWarmAndCold(keys);
    for (String key : keys) {
      assertThat(inTier(Tier.COLD, key)).as(key).isTrue();
    }
    assertThat(rec.events("archived")).isEqualTo(MEMORIES);
    assertReadable(keys);
  }

  @Test
  void warmRemovalAppliedButItsAnswerLost_nothingIsLost() throws Exception {
    store();
    List<String> keys = idleWarmMemories();
    warm.answerLost("removeAllIfVersion").set(true);

    assertThat(store.sweep().failed()).isEqualTo(1);
    List<String> firstBatch = keys.subList(0, BATCH);
    for (String key : firstBatch) {
      assertThat(inTier(Tier.WARM, key)).as(key).isFalse();
      assertThat(inTier(Tier.COLD, key)).as("%s: COLD holds the only copy", key).isTrue();
    }

    warm.answerLost("removeAllIfVersion").set(false);
    SweepResult next = sweepUntilClean();

    assertThat(next.reconciled()).as("COLD's copies are the only ones: kept").isZero();
    assertThat(next.archived()).isEqualTo(MEMORIES - BATCH);
    assertNoneInBothWarmAndCold(keys);
    for (String key : keys) {
      assertThat(inTier(Tier.COLD, key)).as(key).isTrue();
    }
    assertReadable(keys);
  }

  @Test
  void putByAnotherProcessBetweenCopyAndRemoval_keepsTheNewVersion_andWithdrawsTheCopy() {
    store();
    List<String> keys = idleWarmMemories();
    String rewritten = keys.get(3);
    long old = warm.peek(rewritten).version();
    AtomicBoolean once = new AtomicBoolean();
    // Straight to WARM, past this store's locks, as another instance's put would be.
    cold.before(
        "copyAllIn",
        () -> {
          if (once.compareAndSet(false, true)) {
            warm.upsert(
                new Memory(
                    rewritten, "rewritten", Map.of(), clock.instant(), clock.instant(), old + 1),
                clock.millis());
          }
        });

    SweepResult r = store.sweep();

    assertThat(r.archived()).isEqualTo(MEMORIES - 1);
    assertThat(inTier(Tier.COLD, rewritten)).as("the copy of the old version withdrawn").isFalse();
    assertThat(store.tier(Tier.WARM).peek(rewritten).memory().content()).isEqualTo("rewritten");
    assertNoneInBothWarmAndCold(keys);
    assertThat(store.get(rewritten).orElseThrow().content()).isEqualTo("rewritten");
  }

  @Test
  void coldHoldingANewerVersion_refusesTheCopy_andTheStaleWarmCopyIsDropped() {
    store();
    List<String> keys = idleWarmMemories();
    String superseded = keys.get(5);
    StoredMemory inWarm = warm.peek(superseded);
    Memory newer =
        new Memory(
            superseded,
            "newer in cold",
            Map.of(),
            clock.instant(),
            clock.instant(),
            inWarm.version() + 1);
    cold.copyIn(new StoredMemory(newer, 0, inWarm.lastAccessMillis()));

    SweepResult r = store.sweep();

    assertThat(r.archived()).isEqualTo(MEMORIES - 1);
    assertThat(inTier(Tier.WARM, superseded)).isFalse();
    assertThat(store.get(superseded).orElseThrow().content()).isEqualTo("newer in cold");
    assertThat(rec.events("evicted")).isEqualTo(1);
    assertNoneInBothWarmAndCold(keys);
  }
}
