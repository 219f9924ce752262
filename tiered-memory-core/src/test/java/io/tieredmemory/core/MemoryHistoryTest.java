package io.tieredmemory.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tieredmemory.core.HistoryEntry.Inputs;
import io.tieredmemory.core.HistoryEntry.Kind;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.ForwardingTierStore;
import io.tieredmemory.core.spi.HistoryLog;
import io.tieredmemory.core.spi.TierStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** {@link TieredMemory#history}: every memory's life, exactly as it happened, on a manual clock. */
class MemoryHistoryTest {
  private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
  private static final long MIN = 60_000;

  private final MutableClock clock = new MutableClock(T0);
  private final TierStore hot = InProcessTiers.hot();
  private final TierStore warm = InProcessTiers.warm(Embedder.hashing());
  private final TierStore cold = InProcessTiers.cold(Embedder.hashing());

  private TieredMemory.Builder builder(String instance) {
    return TieredMemory.builder("history")
        .hot(hot)
        .warm(warm)
        .cold(cold)
        .clock(clock)
        .policy(
            TieringPolicy.custom()
                .promoteAfter(3, Duration.ofMinutes(10))
                .demoteWhenIdle(Duration.ofMinutes(30))
                .hotCapacity(2)
                .archiveWhenIdle(Duration.ofHours(1))
                .rehydrate(true, false)
                .build())
        .disableScheduledSweeps()
        .discoverObservers(false)
        .history(true)
        .instanceId(instance);
  }

  private void at(long minutes) {
    Duration since = Duration.between(T0, clock.instant());
    clock.advance(Duration.ofMinutes(minutes).minus(since));
  }

  /** What an entry says, without its id and instant: the parts a script predicts. */
  private record Step(
      Kind kind,
      long version,
      @Nullable Tier from,
      @Nullable Tier to,
      @Nullable MoveReason reason,
      String detail,
      Map<String, Long> inputs,
      Instant at) {
    static Step of(HistoryEntry e) {
      return new Step(
          e.kind(), e.version(), e.from(), e.to(), e.reason(), e.detail(), e.inputs(), e.at());
    }
  }

  private static Step step(
      Kind kind,
      long version,
      @Nullable Tier from,
      @Nullable Tier to,
      @Nullable MoveReason reason,
      String detail,
      Map<String, Long> inputs,
      long atMinutes) {
    return new Step(
        kind, version, from, to, reason, detail, inputs, T0.plus(Duration.ofMinutes(atMinutes)));
  }

  private static List<Step> steps(MemoryHistory h) {
    List<Step> out = new ArrayList<>();
    h.entries().forEach(e -> out.add(Step.of(e)));
    return out;
  }

  private static Map<String, Long> idle(long minutes, long limitMinutes) {
    return Map.of(Inputs.IDLE_MS, minutes * MIN, Inputs.IDLE_LIMIT_MS, limitMinutes * MIN);
  }

  @Test
  void scriptedWorkload_everyMemorysHistoryIsExactlyWhatHappened_inOrder() {
    try (TieredMemory store = builder("one").build()) {
      long a1 = store.put("a", "alpha").version();
      long b1 = store.put("b", "beta").version();
      at(31);
      store.sweep(); // a and b idle in HOT since 0: demoted
      for (int m = 32; m <= 34; m++) {
        at(m);
        assertThat(store.get("a")).isPresent(); // the third WARM read in 10m promotes
      }
      at(35);
      long c1 = store.put("c", "gamma").version();
      long d1 = store.put("d", "delta").version();
      store.put("e", "epsilon");
      at(36);
      store.sweep(); // HOT holds a, c, d, e over capacity 2: a (read at 34m), then c, demoted
      at(120);
      store.sweep(); // d, e idle 85m in HOT: demoted; a, b, c, d, e idle in WARM: archived
      at(121);
      assertThat(store.get("a")).isPresent(); // from COLD: rehydrated
      long b2 = store.put("b", "beta 2").version(); // over b's archive mark
      at(122);
      store.sweep(); // COLD's copy of b is stale: evicted
      assertThat(store.delete("c")).isTrue();
      assertThat(store.delete("never")).isFalse();

      MemoryHistory a = store.history("a");
      assertThat(a.key()).isEqualTo("a");
      assertThat(a.tier()).isEqualTo(Tier.WARM);
      assertThat(a.version()).isEqualTo(a1);
      assertThat(steps(a))
          .containsExactly(
              step(Kind.PUT, a1, null, Tier.WARM, null, "created", Map.of(), 0),
              step(
                  Kind.DEMOTED,
                  a1,
                  Tier.HOT,
                  Tier.WARM,
                  MoveReason.HOT_IDLE,
                  "idle 31m",
                  idle(31, 30),
                  31),
              step(
                  Kind.PROMOTED,
                  a1,
                  Tier.WARM,
                  Tier.HOT,
                  MoveReason.READ_FREQUENCY,
                  "3 reads in 10m",
                  Map.of(
                      Inputs.READS, 3L, Inputs.WINDOW_MS, 10 * MIN, Inputs.READS_SPAN_MS, 2 * MIN),
                  34),
              step(
                  Kind.DEMOTED,
                  a1,
                  Tier.HOT,
                  Tier.WARM,
                  MoveReason.HOT_CAPACITY,
                  "hot over capacity 2 (held 4)",
                  Map.of(Inputs.HOT_HELD, 4L, Inputs.HOT_CAPACITY, 2L),
                  36),
              step(
                  Kind.ARCHIVED,
                  a1,
                  Tier.WARM,
                  Tier.COLD,
                  MoveReason.WARM_IDLE,
                  "idle 1h26m",
                  idle(86, 60),
                  120),
              step(
                  Kind.REHYDRATED,
                  a1,
                  Tier.COLD,
                  Tier.WARM,
                  MoveReason.COLD_READ,
                  "read from cold",
                  Map.of(),
                  121));
      assertThat(a.entries()).allSatisfy(e -> assertThat(e.instance()).isEqualTo("one"));
      assertThat(a.entries()).extracting(HistoryEntry::id).isSorted().doesNotHaveDuplicates();

      MemoryHistory b = store.history("b");
      assertThat(b.tier()).isEqualTo(Tier.HOT);
      assertThat(b.version()).isEqualTo(b2);
      assertThat(steps(b))
          .containsExactly(
              step(Kind.PUT, b1, null, Tier.WARM, null, "created", Map.of(), 0),
              step(
                  Kind.DEMOTED,
                  b1,
                  Tier.HOT,
                  Tier.WARM,
                  MoveReason.HOT_IDLE,
                  "idle 31m",
                  idle(31, 30),
                  31),
              step(
                  Kind.ARCHIVED,
                  b1,
                  Tier.WARM,
                  Tier.COLD,
                  MoveReason.WARM_IDLE,
                  "idle 2h",
                  idle(120, 60),
                  120),
              step(Kind.PUT, b2, null, Tier.WARM, null, "updated", Map.of(), 121),
              step(
                  Kind.EVICTED,
                  b2, // as TierEvent.Evicted: the version that superseded the copy
                  Tier.COLD,
                  null,
                  MoveReason.STALE_COPY,
                  "a copy warm no longer points to",
                  Map.of(),
                  122));

      MemoryHistory c = store.history("c");
      assertThat(c.tier()).isNull();
      assertThat(c.exists()).isFalse();
      assertThat(c.unknown()).isFalse();
      assertThat(steps(c))
          .containsExactly(
              step(Kind.PUT, c1, null, Tier.WARM, null, "created", Map.of(), 35),
              step(
                  Kind.DEMOTED,
                  c1,
                  Tier.HOT,
                  Tier.WARM,
                  MoveReason.HOT_CAPACITY,
                  "hot over capacity 2 (held 4)",
                  Map.of(Inputs.HOT_HELD, 4L, Inputs.HOT_CAPACITY, 2L),
                  36),
              step(
                  Kind.ARCHIVED,
                  c1,
                  Tier.WARM,
                  Tier.COLD,
                  MoveReason.WARM_IDLE,
                  "idle 1h25m",
                  idle(85, 60),
                  120),
              step(Kind.DELETED, c1, Tier.COLD, null, null, "archived", Map.of(), 122));

      MemoryHistory d = store.history("d");
      assertThat(d.tier()).isEqualTo(Tier.COLD);
      assertThat(d.version()).isEqualTo(d1);
      assertThat(steps(d))
          .containsExactly(
              step(Kind.PUT, d1, null, Tier.WARM, null, "created", Map.of(), 35),
              step(
                  Kind.DEMOTED,
                  d1,
                  Tier.HOT,
                  Tier.WARM,
                  MoveReason.HOT_IDLE,
                  "idle 1h25m",
                  idle(85, 30),
                  120),
              step(
                  Kind.ARCHIVED,
                  d1,
                  Tier.WARM,
                  Tier.COLD,
                  MoveReason.WARM_IDLE,
                  "idle 1h25m",
                  idle(85, 60),
                  120));

      MemoryHistory never = store.history("never");
      assertThat(never.unknown()).isTrue();
      assertThat(never.entries()).isEmpty();
      assertThat(store.historyDropped()).isZero();
    }
  }

  @Test
  void historyIsKeptInWarm_aRebuiltStoreAndAnotherInstanceSeeTheSameHistory() {
    long v1;
    try (TieredMemory first = builder("first").build()) {
      v1 = first.put("k", "one").version();
    }
    try (TieredMemory second = builder("second").build();
        TieredMemory third = builder("third").build()) {
      at(1);
      long v2 = second.put("k", "two").version();
      at(2);
      assertThat(third.delete("k")).isTrue();
      second.history("k"); // another instance's entries are read once it wrote them (its own read)
      assertThat(third.history("k").entries())
          .extracting(HistoryEntry::kind, HistoryEntry::version, HistoryEntry::instance)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(Kind.PUT, v1, "first"),
              org.assertj.core.groups.Tuple.tuple(Kind.PUT, v2, "second"),
              org.assertj.core.groups.Tuple.tuple(Kind.DELETED, v2, "third"));
    }
  }

  @Test
  void perKeyCap_historyShowsTheNewest_andSweepsTrimTheLog() {
    try (TieredMemory store = builder("one").historyPerKey(3).build()) {
      List<Long> versions = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        at(i);
        versions.add(store.put("k", "v" + i).version());
      }
      assertThat(store.history("k").entries())
          .extracting(HistoryEntry::version)
          .containsExactlyElementsOf(versions.subList(2, 5));
      HistoryLog log = warm.history().orElseThrow();
      assertThat(log.read("k", 100)).hasSize(5);
      store.sweep();
      assertThat(log.read("k", 100))
          .extracting(HistoryEntry::version)
          .containsExactlyElementsOf(versions.subList(2, 5));
    }
  }

  @Test
  void retention_sweepsRemoveOlderEntries() {
    try (TieredMemory store = builder("one").historyRetention(Duration.ofMinutes(30)).build()) {
      store.put("old", "x");
      at(40);
      store.put("new", "y");
      store.history("new"); // written
      store.sweep();
      MemoryHistory old = store.history("old");
      // Its put (at 0) aged out; the demotion this sweep made (at 40m) is kept.
      assertThat(old.entries()).extracting(HistoryEntry::kind).containsExactly(Kind.DEMOTED);
      assertThat(old.tier()).isEqualTo(Tier.WARM); // the memory stays; only its history aged out
      assertThat(store.history("new").entries()).hasSize(1);
    }
  }

  @Test
  void aFullQueueDropsEntriesAndCountsThem_neverBlockingAPut() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    TierStore blocking =
        new ForwardingTierStore(warm) {
          @Override
          protected <T> T forward(String method, Supplier<T> call) {
            if (method.equals("append")) {
              entered.countDown();
              try {
                release.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            return call.get();
          }
        };
    TieredMemory store = builder("one").warm(blocking).historyQueue(2).build();
    try {
      store.put("k0", "v");
      assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue(); // the writer holds k0's batch
      long start = System.nanoTime();
      for (int i = 1; i <= 5; i++) {
        store.put("k" + i, "v");
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      assertThat(store.historyDropped()).isEqualTo(3); // k3, k4, k5: the queue held k1, k2
    } finally {
      release.countDown();
      store.close(); // flushes the queue
    }
    HistoryLog log = warm.history().orElseThrow();
    for (int i = 0; i <= 5; i++) {
      assertThat(log.read("k" + i, 10)).as("k%d", i).hasSize(i <= 2 ? 1 : 0);
    }
  }

  @Test
  void close_writesWhatIsQueued() {
    TieredMemory store = builder("one").build();
    for (int i = 0; i < 2_000; i++) {
      store.put("k" + i, "v");
    }
    store.close();
    HistoryLog log = warm.history().orElseThrow();
    for (int i = 0; i < 2_000; i++) {
      assertThat(log.read("k" + i, 10)).hasSize(1);
    }
  }

  @Test
  void aFailingWarmWrite_isRetriedByTheNextBatch_notThrownAtAPut() {
    boolean[] failing = {true};
    TierStore flaky =
        new ForwardingTierStore(warm) {
          @Override
          protected <T> T forward(String method, Supplier<T> call) {
            if (method.equals("append") && failing[0]) {
              throw new IllegalStateException("warm down");
            }
            return call.get();
          }
        };
    try (TieredMemory store = builder("one").warm(flaky).build()) {
      store.put("k", "v");
      assertThatThrownBy(() -> store.history("k"))
          .isInstanceOf(TieredMemoryException.class)
          .hasMessageContaining("WARM tier could not store the history")
          .hasMessageContaining("warm down");
      failing[0] = false;
      assertThat(store.history("k").entries())
          .extracting(HistoryEntry::kind)
          .containsExactly(Kind.PUT);
      assertThat(store.historyDropped()).isZero();
    }
  }

  @Test
  void historyOff_byDefault_saysSo() {
    try (TieredMemory store =
        TieredMemory.builder("off").disableScheduledSweeps().discoverObservers(false).build()) {
      store.put("k", "v");
      assertThatThrownBy(() -> store.history("k"))
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("store 'off' keeps no history")
          .hasMessageContaining("history(true)");
      assertThat(store.historyDropped()).isZero();
    }
  }

  @Test
  void aWarmTierWithoutAHistoryLog_isNamed() {
    TierStore noLog =
        new ForwardingTierStore(warm) {
          @Override
          public java.util.Optional<HistoryLog> history() {
            return java.util.Optional.empty();
          }
        };
    try (TieredMemory store = builder("one").warm(noLog).build()) {
      store.put("k", "v");
      assertThatThrownBy(() -> store.history("k"))
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("its WARM tier, in-process")
          .hasMessageContaining("has no history log");
    }
  }

  @Test
  void builderSettings_areValidated_namingTheField() {
    TieredMemory.Builder b = TieredMemory.builder("x");
    assertThatThrownBy(() -> b.historyPerKey(0))
        .hasMessage("historyPerKey must be between 1 and 10000, was 0");
    assertThatThrownBy(() -> b.historyQueue(0))
        .hasMessageContaining("historyQueue must be between 1 and 1000000, was 0");
    assertThatThrownBy(() -> b.historyRetention(Duration.ofSeconds(5)))
        .hasMessage("historyRetention must be between 1m and 3650d, was PT5S");
    assertThatThrownBy(() -> b.historyRetention(Duration.ZERO))
        .hasMessageContaining("historyRetention must be positive");
    assertThatThrownBy(() -> b.instanceId("a b"))
        .hasMessageContaining("instanceId must be 1-128")
        .hasMessageContaining("'a b'");
    assertThatThrownBy(() -> b.instanceId("")).hasMessageContaining("instanceId");
    assertThat(TieredMemory.Builder.defaultInstanceId())
        .matches("[A-Za-z0-9_.-]{1,100}:" + ProcessHandle.current().pid());
  }

  @Test
  void historyChecksTheKey() {
    try (TieredMemory store = builder("one").build()) {
      assertThatThrownBy(() -> store.history("")).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void closeStopsTheWriterThread() throws Exception {
    TieredMemory store = builder("one").build();
    assertThat(threadAlive("tiered-memory-history-history")).isTrue();
    store.close();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (threadAlive("tiered-memory-history-history") && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(threadAlive("tiered-memory-history-history")).isFalse();
  }

  private static boolean threadAlive(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals(name) && t.isAlive());
  }
}
