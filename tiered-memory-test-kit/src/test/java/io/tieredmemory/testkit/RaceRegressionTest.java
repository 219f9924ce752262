package io.tieredmemory.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.Operation;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.RequestResult;
import io.tieredmemory.core.SearchHit;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.KeyCoordinator;
import io.tieredmemory.core.spi.TierObserver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Each interleaving that once broke a promise of the store, replayed by hand at the exact step:
 * FaultyTierStore's {@code before} hooks run another instance's operation, or another thread's,
 * between two steps of the operation under test. Each failed before its fix.
 */
class RaceRegressionTest {
  private final ExecutorService others = Executors.newCachedThreadPool();
  private final ManualClock clock = new ManualClock();
  private final FaultyTierStore sharedHot = new FaultyTierStore(InProcessTiers.hot());
  private final FaultyTierStore sharedWarm =
      new FaultyTierStore(InProcessTiers.warm(Embedder.hashing()));
  private final FaultyTierStore sharedCold =
      new FaultyTierStore(InProcessTiers.cold(Embedder.hashing()));

  @AfterEach
  void stop() throws InterruptedException {
    others.shutdownNow();
    others.awaitTermination(10, TimeUnit.SECONDS);
  }

  private static TieringPolicy policy() {
    return TieringPolicy.custom()
        .promoteAfter(2, Duration.ofMinutes(10))
        .demoteWhenIdle(Duration.ofMinutes(1))
        .archiveWhenIdle(Duration.ofHours(1))
        .build();
  }

  private TieredMemory.Builder instance(String name, KeyCoordinator coordinator) {
    return TieredMemory.builder(name)
        .hot(new FaultyTierStore(sharedHot))
        .warm(new FaultyTierStore(sharedWarm))
        .cold(new FaultyTierStore(sharedCold))
        .coordinator(coordinator)
        .clock(clock)
        .policy(policy())
        .disableScheduledSweeps()
        // Each race is staged by a second operation run inside a tier call of the first: the moves
        // that operation's reads cause must be made before it returns (FaultyTierStore says
        // remote).
        .readMoves(ReadMoves.CALLER)
        .discoverObservers(false);
  }

  /** Runs {@code action} in another thread and waits up to {@code millis} for it to finish. */
  private Future<?> meanwhile(Runnable action, long millis) throws Exception {
    Future<?> f = others.submit(action);
    try {
      f.get(millis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // still blocked (on the key's lock): it finishes after the operation under test
    }
    return f;
  }

  private void archive(TieredMemory store, String key) {
    sharedHot.remove(key);
    clock.advance(Duration.ofHours(2));
    assertThat(store.sweep().archived()).isPositive();
    assertThat(sharedWarm.peek(key)).as("archived").isNull();
  }

  @Nested
  @DisplayName("finding 1: a put racing a delete of another instance")
  class PutRacingDelete {
    @Test
    void deleteBetweenAPutsWarmAndHotWrites_neverLeavesAnAcknowledgedValueOnlyInHot()
        throws Exception {
      KeyCoordinator shared = KeyCoordinator.inProcess();
      FaultyTierStore hotOfB = new FaultyTierStore(sharedHot);
      try (TieredMemory a = instance("a", shared).build();
          TieredMemory b = instance("b", shared).hot(hotOfB).build()) {
        a.put("k", "v1");
        AtomicBoolean once = new AtomicBoolean();
        AtomicReference<Future<?>> delete = new AtomicReference<>();
        // B's put has written WARM; A's delete runs before B's HOT write.
        hotOfB.before(
            "copyIn",
            () -> {
              if (once.compareAndSet(false, true)) {
                try {
                  delete.set(meanwhile(() -> a.delete("k"), 300));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }
            });
        Memory put = b.put("k", "v2");
        delete.get().get(10, TimeUnit.SECONDS);

        // Both were acknowledged; whichever came last, every read agrees, before and after the
        // sweeps that used to drop a HOT-only copy.
        Optional<Memory> seenByA = a.get("k");
        Optional<Memory> seenByB = b.get("k");
        assertThat(seenByA).isEqualTo(seenByB);
        clock.advance(Duration.ofMinutes(5));
        a.sweep();
        b.sweep();
        assertThat(a.get("k")).isEqualTo(seenByA);
        assertThat(b.get("k")).isEqualTo(seenByA);
        if (seenByA.isPresent()) {
          assertThat(seenByA.get().version()).isEqualTo(put.version());
          assertThat(sharedWarm.peek("k")).isNotNull();
        }
      }
    }
  }

  @Nested
  @DisplayName("finding 2: a stale HOT copy while a sweep drops it")
  class StaleHotDuringSweep {
    @Test
    void readsSkipTheStaleHotCopyUntilItsRemovalHasReturned() throws Exception {
      // No promotion: the reader must not wait for the key's lock, which the sweep holds.
      TieringPolicy noPromotion = TieringPolicy.from(policy()).neverPromote().build();
      try (TieredMemory store =
          instance("s", KeyCoordinator.inProcess()).policy(noPromotion).build()) {
        store.put("k", "old");
        sharedHot.failing().set(true); // HOT unreachable: the put cannot remove the old copy
        store.put("k", "new");
        sharedHot.failing().set(false);
        assertThat(sharedHot.peek("k").memory().content()).as("HOT still holds").isEqualTo("old");
        assertThat(store.get("k").orElseThrow().content()).isEqualTo("new");

        AtomicReference<Optional<Memory>> duringRemoval = new AtomicReference<>();
        sharedHot.before(
            "removeAllIfOlder",
            () -> {
              try {
                meanwhile(() -> duringRemoval.set(store.get("k")), 5_000).get(10, TimeUnit.SECONDS);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
        store.sweep();

        assertThat(duringRemoval.get().orElseThrow().content()).isEqualTo("new");
        assertThat(sharedHot.peek("k")).isNull();
        assertThat(store.get("k").orElseThrow().content()).isEqualTo("new");
      }
    }

    @Test
    void aFailedRemoval_keepsTheMarkAndTheNextSweepRetries() {
      try (TieredMemory store = instance("s", KeyCoordinator.inProcess()).build()) {
        store.put("k", "old");
        sharedHot.failing().set(true);
        store.delete("k");
        assertThat(store.sweep().failed()).isPositive();
        sharedHot.failing().set(false);
        assertThat(store.get("k")).as("the deleted memory, still in HOT, is not served").isEmpty();
        clock.advance(Duration.ofMinutes(1)); // past the back-off
        store.sweep();
        assertThat(sharedHot.peek("k")).isNull();
        assertThat(store.get("k")).isEmpty();
      }
    }
  }

  @Nested
  @DisplayName("finding 3: a read racing a rehydration")
  class ReadRacingRehydration {
    @Test
    void getBetweenWarmAndCold_whileAnotherRehydrates_findsTheMemory() throws Exception {
      RecordingObserver rec = new RecordingObserver();
      try (TieredMemory store = instance("r", KeyCoordinator.inProcess()).observer(rec).build()) {
        store.put("k", "archived value");
        archive(store, "k");
        AtomicBoolean once = new AtomicBoolean();
        // The reader found WARM's mark; before it reads COLD, another reader rehydrates.
        sharedCold.before(
            "read",
            () -> {
              if (once.compareAndSet(false, true)) {
                try {
                  meanwhile(() -> store.get("k"), 5_000).get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }
            });
        Optional<Memory> got = store.get("k");

        assertThat(got).isPresent();
        assertThat(got.get().content()).isEqualTo("archived value");
        assertThat(sharedCold.peek("k")).as("rehydrated").isNull();
        assertThat(rec.requests(Operation.GET, null, RequestResult.MISS)).isZero();
      }
    }

    @Test
    void getAllBetweenWarmAndCold_whileAnotherRehydrates_findsTheMemory() throws Exception {
      try (TieredMemory store = instance("r", KeyCoordinator.inProcess()).build()) {
        store.put("k", "archived value");
        store.put("other", "x");
        archive(store, "k");
        AtomicBoolean once = new AtomicBoolean();
        sharedCold.before(
            "readAll",
            () -> {
              if (once.compareAndSet(false, true)) {
                try {
                  meanwhile(() -> store.get("k"), 5_000).get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }
            });
        Map<String, Memory> got = store.getAll(List.of("k", "other"));
        assertThat(got).containsKeys("k", "other");
      }
    }

    @Test
    void searchNeverReturnsAnArchivedCopyWarmNoLongerPointsTo() {
      try (TieredMemory store = instance("r", KeyCoordinator.inProcess()).build()) {
        store.put("k", "the user prefers answers in French");
        archive(store, "k");
        store.put("k", "the user prefers answers in German");
        List<SearchHit> hits = store.search("the user prefers answers in French", 5);
        assertThat(hits)
            .extracting(h -> h.memory().content())
            .doesNotContain("the user prefers answers in French");
        store.delete("k");
        assertThat(store.search("the user prefers answers", 5)).isEmpty();
      }
    }
  }

  @Nested
  @DisplayName("finding 5: COLD is never on the put path")
  class ColdOffThePutPath {
    @Test
    void puts_withColdDown_neverCallColdAndLeaveNoNotesForKeysColdNeverHeld() {
      try (TieredMemory store = instance("p", KeyCoordinator.inProcess()).build()) {
        sharedCold.failing().set(true);
        long before = totalCalls(sharedCold);
        for (int i = 0; i < 12_000; i++) {
          store.put("k" + i, "v" + i);
        }
        assertThat(totalCalls(sharedCold) - before).isZero();
        assertThat(sharedWarm.journal().orElseThrow().notes(Tier.COLD, 10)).isEmpty();
      }
    }

    private long totalCalls(FaultyTierStore t) {
      long n = 0;
      for (String m :
          List.of(
              "read",
              "readAll",
              "peek",
              "peekAll",
              "copyIn",
              "copyAllIn",
              "remove",
              "removeIfVersion",
              "removeAllIfVersion",
              "removeIfOlder",
              "removeAllIfOlder",
              "search",
              "count",
              "bytes")) {
        n += t.calls(m);
      }
      return n;
    }
  }

  @Nested
  @DisplayName("finding 6: nobody waits for a key it did not ask for, nor for a listener")
  class NoWaitingForOthers {
    @Test
    void aSlowArchiveCopy_doesNotHoldUpPutsOfOtherKeys() throws Exception {
      try (TieredMemory store = instance("w", KeyCoordinator.inProcess()).build()) {
        for (int i = 0; i < 500; i++) {
          store.put("idle-" + i, "x");
          sharedHot.remove("idle-" + i);
        }
        clock.advance(Duration.ofHours(2));
        CountDownLatch copying = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        sharedCold.before(
            "copyAllIn",
            () -> {
              copying.countDown();
              try {
                release.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
        Future<?> sweep = others.submit(store::sweep);
        assertThat(copying.await(5, TimeUnit.SECONDS)).isTrue();
        others
            .submit(
                () -> {
                  for (int i = 0; i < 200; i++) {
                    store.put("busy-" + i, "y");
                  }
                })
            .get(2, TimeUnit.SECONDS);
        release.countDown();
        sweep.get(10, TimeUnit.SECONDS);
      }
    }

    @Test
    void aSlowListener_doesNotHoldUpPutsOfTheKeyItHears() throws Exception {
      CountDownLatch listening = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      try (TieredMemory store =
          instance("l", KeyCoordinator.inProcess())
              .observer(
                  TierObserver.events(
                      e -> {
                        if (e instanceof TierEvent.Moved m && m.kind().equals("promoted")) {
                          listening.countDown();
                          try {
                            release.await(10, TimeUnit.SECONDS);
                          } catch (InterruptedException x) {
                            Thread.currentThread().interrupt();
                          }
                        }
                      }))
              .build()) {
        store.put("k", "v");
        sharedHot.remove("k");
        Future<?> reads =
            others.submit(
                () -> {
                  store.get("k");
                  store.get("k"); // the second read promotes, and the listener hears it
                });
        assertThat(listening.await(5, TimeUnit.SECONDS)).isTrue();
        others.submit(() -> store.put("k", "w")).get(2, TimeUnit.SECONDS);
        release.countDown();
        reads.get(10, TimeUnit.SECONDS);
      }
    }
  }

  @Nested
  @DisplayName("finding 7: overwritten content does not survive in COLD")
  class OverwrittenArchive {
    @Test
    void putOverAnArchivedMemory_thenACrash_theNextSweepStillRemovesTheOldCopy() {
      TieredMemory first = instance("c", KeyCoordinator.inProcess()).build();
      first.put("k", "old secret");
      archive(first, "k");
      first.put("k", "new");
      // The process dies: no close, nothing in its memory survives.
      try (TieredMemory second = instance("c", KeyCoordinator.inProcess()).build()) {
        assertThat(sharedCold.peek("k")).as("left by the crash").isNotNull();
        assertThat(second.sweep().reconciled()).isEqualTo(1);
        assertThat(sharedCold.peek("k")).isNull();
        assertThat(second.get("k").orElseThrow().content()).isEqualTo("new");
      }
    }
  }

  @Nested
  @DisplayName("finding 8: a bad key reaches no tier")
  class BadKey {
    @Test
    void get_badKey_isRefusedBeforeHotIsAsked() {
      FaultyTierStore hot = new FaultyTierStore(sharedHot);
      try (TieredMemory store = instance("b", KeyCoordinator.inProcess()).hot(hot).build()) {
        long before = hot.calls("read");
        assertThatThrownBy(() -> store.get("bad\nkey"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("key");
        assertThatThrownBy(() -> store.get(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThat(hot.calls("read")).isEqualTo(before);
      }
    }
  }
}
