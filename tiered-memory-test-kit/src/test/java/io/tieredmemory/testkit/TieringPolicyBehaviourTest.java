package io.tieredmemory.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.SweepResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.policy.TieringPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each rule fires exactly when it should and not a moment before, on a manual clock. */
class TieringPolicyBehaviourTest {
  private final ManualClock clock = new ManualClock();
  private final RecordingObserver rec = new RecordingObserver();
  private final LocalTiers tiers = new LocalTiers();
  private TieredMemory store;

  private TieredMemory store(TieringPolicy policy) {
    store =
        tiers
            .on(TieredMemory.builder("policy"))
            .clock(clock)
            .policy(policy)
            .discoverObservers(false)
            .observer(rec)
            .build();
    return store;
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  private boolean inTier(Tier tier, String key) {
    return tiers.of(tier).peek(key) != null;
  }

  /** A policy that archives after 1h idle (and demotes after 1m). */
  private static TieringPolicy.Builder shortArchive() {
    return TieringPolicy.custom()
        .demoteWhenIdle(Duration.ofMinutes(1))
        .archiveWhenIdle(Duration.ofHours(1));
  }

  /** Puts a memory in WARM only and lets a sweep two hours later archive it. */
  private void archiveNow(String key) {
    putWarmOnly(key);
    clock.advance(Duration.ofHours(2));
    store.sweep();
  }

  /** Puts a memory and drops the HOT copy, so it lives in WARM only. */
  private void putWarmOnly(String key) {
    store.put(key, "content of " + key);
    tiers.hot.remove(key);
  }

  @Test
  void promotion_beforeNthRead_doesNotPromote() {
    store(TieringPolicy.custom().promoteAfter(3, Duration.ofMinutes(10)).build());
    putWarmOnly("a");
    store.get("a");
    clock.advance(Duration.ofMinutes(1));
    store.get("a");
    assertThat(inTier(Tier.HOT, "a")).isFalse();
    assertThat(rec.events("promoted")).isZero();
  }

  @Test
  void promotion_nthReadWithinWindow_promotesWithReasonAndDetail() {
    store(TieringPolicy.custom().promoteAfter(3, Duration.ofMinutes(10)).build());
    putWarmOnly("a");
    store.get("a");
    clock.advance(Duration.ofMinutes(5));
    store.get("a");
    clock.advance(Duration.ofMinutes(5)); // the window's edge: 10m, still inside
    store.get("a");

    assertThat(inTier(Tier.HOT, "a")).isTrue();
    assertThat(rec.events()).filteredOn(e -> e.kind().equals("promoted")).hasSize(1);
    TierEvent.Moved p = lastMove("promoted");
    assertThat(p.reason()).isEqualTo(MoveReason.READ_FREQUENCY);
    assertThat(p.detail()).isEqualTo("3 reads in 10m");
    assertThat(p.key()).isEqualTo("a");
  }

  @Test
  void promotion_readsSpreadBeyondWindow_doNotPromote() {
    store(TieringPolicy.custom().promoteAfter(3, Duration.ofMinutes(10)).build());
    putWarmOnly("a");
    store.get("a");
    clock.advance(Duration.ofMinutes(6));
    store.get("a");
    clock.advance(Duration.ofMinutes(4).plusMillis(1)); // first read now 10m+1ms ago
    store.get("a");
    assertThat(inTier(Tier.HOT, "a")).isFalse();
    clock.advance(Duration.ofMinutes(1)); // the last three reads now span 5m+1ms
    store.get("a");
    assertThat(inTier(Tier.HOT, "a")).isTrue();
  }

  @Test
  void promotion_never_keepsEveryReadInWarm() {
    store(TieringPolicy.custom().neverPromote().build());
    putWarmOnly("a");
    for (int i = 0; i < 100; i++) {
      store.get("a");
    }
    assertThat(inTier(Tier.HOT, "a")).isFalse();
    assertThat(rec.events("promoted")).isZero();
  }

  @Test
  void get_reportsServingTierBeforePromotion() {
    store(TieringPolicy.custom().promoteAfter(1, Duration.ofMinutes(1)).build());
    putWarmOnly("a");
    store.get("a");

    List<String> log = rec.log();
    int served = log.indexOf("request get warm hit");
    int moved = log.indexOf("move warm->hot read_frequency");
    int event = log.indexOf("event promoted");
    assertThat(served).isNotNegative();
    assertThat(moved).isGreaterThan(served);
    assertThat(event).isGreaterThan(served);
    store.get("a");
    assertThat(
            rec.requests(
                io.tieredmemory.core.Operation.GET,
                Tier.HOT,
                io.tieredmemory.core.RequestResult.HIT))
        .isEqualTo(1);
  }

  @Test
  void demotion_idleExactlyAtThreshold_staysThenGoesAMillisecondLater() {
    store(TieringPolicy.custom().demoteWhenIdle(Duration.ofMinutes(30)).build());
    store.put("a", "x");
    clock.advance(Duration.ofMinutes(30));
    assertThat(store.sweep().demoted()).isZero();
    assertThat(inTier(Tier.HOT, "a")).isTrue();

    clock.advance(Duration.ofMillis(1));
    SweepResult r = store.sweep();

    assertThat(r.demoted()).isEqualTo(1);
    assertThat(inTier(Tier.HOT, "a")).isFalse();
    assertThat(inTier(Tier.WARM, "a")).isTrue();
    TierEvent.Moved d = lastMove("demoted");
    assertThat(d.reason()).isEqualTo(MoveReason.HOT_IDLE);
    assertThat(d.detail()).isEqualTo("idle 30m");
  }

  @Test
  void demotion_readsKeepAMemoryHot() {
    store(TieringPolicy.custom().demoteWhenIdle(Duration.ofMinutes(30)).build());
    store.put("a", "x");
    clock.advance(Duration.ofMinutes(20));
    store.get("a");
    clock.advance(Duration.ofMinutes(20));
    assertThat(store.sweep().demoted()).isZero();
    assertThat(inTier(Tier.HOT, "a")).isTrue();
  }

  @Test
  void demotion_overCapacity_demotesLeastRecentlyReadFirst() {
    store(TieringPolicy.custom().hotCapacity(3).build());
    for (String k : List.of("a", "b", "c", "d", "e")) {
      store.put(k, "x");
      clock.advance(Duration.ofSeconds(2));
    }
    store.get("a"); // a is now the most recently read
    clock.advance(Duration.ofSeconds(2));

    SweepResult r = store.sweep();

    assertThat(r.demoted()).isEqualTo(2);
    assertThat(store.stats().tier(Tier.HOT).items()).isEqualTo(3);
    assertThat(inTier(Tier.HOT, "b")).isFalse();
    assertThat(inTier(Tier.HOT, "c")).isFalse();
    assertThat(inTier(Tier.HOT, "a")).isTrue();
    assertThat(rec.events())
        .filteredOn(e -> e.kind().equals("demoted"))
        .extracting(e -> ((TierEvent.Moved) e).detail())
        .containsOnly("hot over capacity 3 (held 5)");
    assertThat(rec.movements(Tier.HOT, Tier.WARM, MoveReason.HOT_CAPACITY)).isEqualTo(2);
  }

  @Test
  void archive_idleWarmMemory_movesToColdAtThresholdNotBefore() {
    store(
        TieringPolicy.custom()
            .demoteWhenIdle(Duration.ofMinutes(30))
            .archiveWhenIdle(Duration.ofHours(24))
            .build());
    putWarmOnly("a");
    clock.advance(Duration.ofHours(24));
    assertThat(store.sweep().archived()).isZero();
    clock.advance(Duration.ofMillis(1));

    assertThat(store.sweep().archived()).isEqualTo(1);
    assertThat(inTier(Tier.WARM, "a")).isFalse();
    assertThat(inTier(Tier.COLD, "a")).isTrue();
    TierEvent.Moved a = lastMove("archived");
    assertThat(a.reason()).isEqualTo(MoveReason.WARM_IDLE);
    assertThat(a.detail()).isEqualTo("idle 1d");
  }

  @Test
  void archive_memoryReadThroughHot_isNotArchived() {
    store(
        TieringPolicy.custom()
            .demoteWhenIdle(Duration.ofHours(1))
            .archiveWhenIdle(Duration.ofHours(2))
            .build());
    store.put("a", "x"); // in HOT and WARM
    clock.advance(Duration.ofMinutes(90));
    store.get("a"); // a HOT hit: WARM does not see it
    clock.advance(Duration.ofMinutes(45)); // WARM last access 2h15m ago, HOT 45m ago

    SweepResult r = store.sweep();

    assertThat(r.archived()).isZero();
    assertThat(inTier(Tier.WARM, "a")).isTrue();
    assertThat(inTier(Tier.HOT, "a")).isTrue();
  }

  @Test
  void rehydration_coldRead_servedFromColdThenMovedToWarm() {
    store(shortArchive().build());
    archiveNow("a");
    assertThat(inTier(Tier.COLD, "a")).isTrue();

    assertThat(store.get("a"))
        .hasValueSatisfying(m -> assertThat(m.content()).isEqualTo("content of a"));

    assertThat(inTier(Tier.COLD, "a")).isFalse();
    assertThat(inTier(Tier.WARM, "a")).isTrue();
    assertThat(inTier(Tier.HOT, "a")).isFalse();
    List<String> log = rec.log();
    assertThat(log.indexOf("request get cold hit")).isLessThan(log.indexOf("event rehydrated"));
    TierEvent.Moved r = lastMove("rehydrated");
    assertThat(r.reason()).isEqualTo(MoveReason.COLD_READ);
    assertThat(r.detail()).isEqualTo("read from cold");
  }

  @Test
  void rehydration_disabled_leavesTheMemoryInCold() {
    store(shortArchive().rehydrate(false, false).build());
    archiveNow("a");
    assertThat(store.get("a")).isPresent();
    assertThat(inTier(Tier.COLD, "a")).isTrue();
    assertThat(inTier(Tier.WARM, "a")).isFalse();
  }

  @Test
  void rehydration_promoteToHot_goesToWarmAndHot() {
    store(shortArchive().rehydrate(true, true).build());
    archiveNow("a");
    store.get("a");
    assertThat(inTier(Tier.WARM, "a")).isTrue();
    assertThat(inTier(Tier.HOT, "a")).isTrue();
    assertThat(inTier(Tier.COLD, "a")).isFalse();
    assertThat(rec.movements(Tier.WARM, Tier.HOT, MoveReason.COLD_READ)).isEqualTo(1);
  }

  @Test
  void put_ofArchivedKey_supersedesTheColdCopyAtTheNextSweep() {
    store(shortArchive().build());
    archiveNow("a");
    assertThat(inTier(Tier.COLD, "a")).isTrue();

    store.put("a", "rewritten");
    assertThat(store.get("a"))
        .hasValueSatisfying(m -> assertThat(m.content()).isEqualTo("rewritten"));
    SweepResult r = store.sweep();

    assertThat(r.reconciled()).isEqualTo(1);
    assertThat(inTier(Tier.COLD, "a")).isFalse();
    assertThat(tiers.warm.peek("a").memory().content()).isEqualTo("rewritten");
    assertThat(rec.events("evicted")).isEqualTo(1);
  }

  @Test
  void search_coldHitOfARewrittenKey_returnsTheLatestVersion() {
    store(shortArchive().build());
    archiveNow("a");
    store.put("a", "content of a, rewritten");

    var hits = store.search("content of a", 5);

    assertThat(hits).hasSize(1);
    assertThat(hits.get(0).memory().content()).isEqualTo("content of a, rewritten");
  }

  /** The last movement of {@code kind} ({@code "promoted"}, {@code "archived"}...). */
  private TierEvent.Moved lastMove(String kind) {
    List<TierEvent> events = rec.events();
    for (int i = events.size() - 1; i >= 0; i--) {
      if (events.get(i) instanceof TierEvent.Moved m && m.kind().equals(kind)) {
        return m;
      }
    }
    throw new AssertionError("no " + kind + " move in " + events);
  }
}
