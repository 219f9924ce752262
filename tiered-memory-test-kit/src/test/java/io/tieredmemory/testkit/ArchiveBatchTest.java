package io.tieredmemory.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.SweepResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.Location;
import io.tieredmemory.core.spi.StoredMemory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Archival a batch at a time: one COLD copy and one WARM mark per batch, and failures of either
 * half leave every memory readable and are settled by a later sweep, with no COLD copy left that
 * WARM does not point to and nothing lost.
 */
class ArchiveBatchTest {
  private static final int MEMORIES = 25;
  private static final int BATCH = 10;

  private final ManualClock clock = new ManualClock();
  private final RecordingObserver rec = new RecordingObserver();
  private final FaultyTierStore warm = new FaultyTierStore(InProcessTiers.warm(Embedder.hashing()));
  private final FaultyTierStore cold = new FaultyTierStore(InProcessTiers.cold(Embedder.hashing()));
  private final LocalTiers tiers = new LocalTiers(InProcessTiers.hot(), warm, cold);
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
            // the test tiers say they are remote: make each read's move before it returns,
            // so what the test checks next does not race a background move
            .readMoves(ReadMoves.CALLER)
            .clock(clock)
            .hot(tiers.hot)
            .warm(warm)
            .cold(cold)
            .policy(
                TieringPolicy.custom()
                    .demoteWhenIdle(Duration.ofMinutes(1))
                    .archiveWhenIdle(Duration.ofHours(1))
                    .sweepBatchSize(BATCH)
                    .build())
            .disableScheduledSweeps()
            .discoverObservers(false)
            .observer(rec)
            .build();
    return store;
  }

  /** {@link #MEMORIES} memories in WARM only, idle for 2h. */
  private List<String> idleWarmMemories() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < MEMORIES; i++) {
      String key = String.format("m%02d", i);
      store.put(key, "content of " + key);
      tiers.hot.remove(key);
      keys.add(key);
    }
    clock.advance(Duration.ofHours(2));
    return keys;
  }

  private boolean inTier(Tier tier, String key) {
    return tiers.of(tier).peek(key) != null;
  }

  /**
   * Sweeps until one sweep has no failed step: a step whose backend failed backs off (1 s, then 2
   * s... of the store's clock) before it runs again, so the clock moves on between sweeps.
   */
  private SweepResult sweepUntilClean() {
    SweepResult total = null;
    for (int i = 0; ; i++) {
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
      if (r.failed() == 0 || i == 10) {
        return total;
      }
      clock.advance(Duration.ofSeconds(5));
    }
  }

  private void assertReadable(List<String> keys) {
    for (String key : keys) {
      Optional<Memory> m = store.get(key);
      assertThat(m).as("%s readable", key).isPresent();
      assertThat(m.get().content()).isEqualTo("content of " + key);
    }
  }

  /** Every COLD copy is one WARM points to: no duplicate, nothing left behind. */
  private void assertColdHoldsOnlyWhatWarmPointsTo(List<String> keys) {
    Map<String, Location> where = warm.directory().orElseThrow().peekLocations(keys);
    for (String key : keys) {
      StoredMemory inCold = cold.peek(key);
      if (inCold != null) {
        assertThat(where.get(key))
            .as("%s: COLD holds version %d", key, inCold.version())
            .isEqualTo(new Location.Archived(inCold.version()));
      }
    }
  }

  @Test
  void sweep_archivesABatchWithOneColdCopyAndOneWarmMark() {
    store();
    List<String> keys = idleWarmMemories();

    SweepResult r = store.sweep();

    assertThat(r.archived()).isEqualTo(MEMORIES);
    assertThat(r.failed()).isZero();
    int batches = (MEMORIES + BATCH - 1) / BATCH;
    assertThat(cold.calls("copyAllIn")).isEqualTo(batches);
    assertThat(warm.calls("markArchived")).isEqualTo(batches);
    assertThat(warm.calls("peekAll")).isEqualTo(batches);
    assertThat(warm.calls("note")).isEqualTo(batches);
    assertThat(warm.calls("forget")).isEqualTo(batches);
    assertThat(cold.calls("copyIn")).isZero();
    assertThat(warm.calls("removeAllIfVersion")).isZero();
    assertThat(warm.calls("peek")).isZero();
    for (String key : keys) {
      assertThat(inTier(Tier.WARM, key)).as(key).isFalse();
      assertThat(inTier(Tier.COLD, key)).as(key).isTrue();
    }
    assertColdHoldsOnlyWhatWarmPointsTo(keys);
    assertThat(warm.journal().orElseThrow().notes(Tier.COLD, 100)).isEmpty();
    assertThat(rec.events("archived")).isEqualTo(MEMORIES);
    assertThat(rec.events())
        .filteredOn(e -> e.kind().equals("archived"))
        .extracting(e -> ((TierEvent.Moved) e).detail())
        .containsOnly("idle 2h");
  }

  @Test
  void coldBatchFailure_leavesEveryMemoryReadableInWarm_andTheNextSweepArchivesThem() {
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
  void coldBatchAppliedButItsAnswerLost_nextSweepWithdrawsTheCopiesAndArchivesAgain() {
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
    assertColdHoldsOnlyWhatWarmPointsTo(keys);
    assertReadable(keys);
  }

  @Test
  void warmMarkFailure_afterColdStored_keepsMemoriesReadable_andTheNextSweepReconciles() {
    store();
    List<String> keys = idleWarmMemories();
    warm.failing("markArchived").set(true);

    SweepResult failed = store.sweep();

    assertThat(failed.archived()).isZero();
    assertThat(failed.failed()).isEqualTo(1);
    List<String> firstBatch = keys.subList(0, BATCH);
    for (String key : firstBatch) {
      assertThat(inTier(Tier.WARM, key)).as(key).isTrue();
      assertThat(inTier(Tier.COLD, key)).as("%s: copied, not yet pointed to", key).isTrue();
    }
    assertReadable(keys);
    // A copy WARM does not point to is never served, even to a search.
    assertThat(store.search("content of m00", 50))
        .extracting(h -> h.tier())
        .doesNotContain(Tier.COLD);

    warm.failing("markArchived").set(false);
    clock.advance(Duration.ofHours(2));
    SweepResult next = sweepUntilClean();

    assertThat(next.reconciled()).isEqualTo(BATCH);
    assertThat(next.archived()).isEqualTo(MEMORIES);
    assertColdHoldsOnlyWhatWarmPointsTo(keys);
    for (String key : keys) {
      assertThat(inTier(Tier.COLD, key)).as(key).isTrue();
    }
    assertThat(rec.events("archived")).isEqualTo(MEMORIES);
    assertReadable(keys);
  }

  @Test
  void warmMarkAppliedButItsAnswerLost_nothingIsLost() {
    store();
    List<String> keys = idleWarmMemories();
    warm.answerLost("markArchived").set(true);

    assertThat(store.sweep().failed()).isEqualTo(1);
    List<String> firstBatch = keys.subList(0, BATCH);
    for (String key : firstBatch) {
      assertThat(inTier(Tier.WARM, key)).as(key).isFalse();
      assertThat(inTier(Tier.COLD, key)).as("%s: COLD holds the only copy", key).isTrue();
    }

    warm.answerLost("markArchived").set(false);
    clock.advance(Duration.ofHours(2));
    SweepResult next = sweepUntilClean();

    assertThat(next.reconciled()).as("COLD's copies are the ones WARM points to: kept").isZero();
    assertThat(next.archived()).isEqualTo(MEMORIES - BATCH);
    assertColdHoldsOnlyWhatWarmPointsTo(keys);
    for (String key : keys) {
      assertThat(inTier(Tier.COLD, key)).as(key).isTrue();
    }
    assertReadable(keys);
    assertThat(warm.journal().orElseThrow().notes(Tier.COLD, 100)).isEmpty();
  }

  @Test
  void coldHoldingACopyWarmDoesNotPointTo_isNeverServed_andTheSweepReplacesIt() {
    store();
    List<String> keys = idleWarmMemories();
    String stray = keys.get(5);
    StoredMemory inWarm = warm.peek(stray);
    Memory newer =
        new Memory(
            stray,
            "stray copy in cold",
            Map.of(),
            clock.instant(),
            clock.instant(),
            inWarm.version() + 1);
    // A copy no move of this store wrote (say, restored from a backup): WARM does not point to it.
    cold.copyIn(new StoredMemory(newer, 0, inWarm.lastAccessMillis()));
    warm.journal().orElseThrow().note(Tier.COLD, Map.of(stray, newer.version()));
    assertThat(store.get(stray).orElseThrow().content()).isEqualTo("content of " + stray);
    clock.advance(Duration.ofHours(2));

    SweepResult r = sweepUntilClean();

    assertThat(r.reconciled()).isEqualTo(1);
    assertThat(r.archived()).isEqualTo(MEMORIES);
    assertColdHoldsOnlyWhatWarmPointsTo(keys);
    assertThat(store.get(stray).orElseThrow().content()).isEqualTo("content of " + stray);
  }

  @Test
  void deleteOfArchivedMemories_removesColdCopies_orLeavesThemToTheSweepIfColdFails() {
    store();
    List<String> keys = idleWarmMemories();
    assertThat(store.sweep().archived()).isEqualTo(MEMORIES);

    assertThat(store.delete(keys.get(0))).isTrue();
    assertThat(inTier(Tier.COLD, keys.get(0))).isFalse();

    cold.failing("removeIfVersion").set(true);
    assertThat(store.delete(keys.get(1))).as("COLD down: the delete still takes effect").isTrue();
    assertThat(inTier(Tier.COLD, keys.get(1))).isTrue();
    assertThat(store.get(keys.get(1))).as("a copy WARM does not point to is never read").isEmpty();
    assertThat(store.search("content of " + keys.get(1), 50))
        .extracting(h -> h.memory().key())
        .doesNotContain(keys.get(1));
    cold.failing("removeIfVersion").set(false);

    assertThat(sweepUntilClean().reconciled()).isEqualTo(1);
    assertThat(inTier(Tier.COLD, keys.get(1))).isFalse();
    assertColdHoldsOnlyWhatWarmPointsTo(keys);
    assertThat(store.delete(keys.get(1))).isFalse();
  }
}
