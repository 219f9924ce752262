package io.tieredmemory.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.ForwardingTierStore;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierObserver;
import io.tieredmemory.core.spi.TierStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Where the moves that reads cause are made ({@link ReadMoves}): on the reading thread, or after
 * {@code get} returned, on the store's own threads or an executor given; a read returns what it
 * found either way, and a move that cannot wait is dropped and counted, never lost data.
 */
class ReadMovesTest {
  private static final Instant T0 = Instant.parse("2026-12-07T06:00:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final List<TieredMemory> stores = new ArrayList<>();
  private final TierStore warm = InProcessTiers.warm(Embedder.hashing());
  private final TierStore cold = InProcessTiers.cold(Embedder.hashing());

  @AfterEach
  void close() {
    stores.forEach(TieredMemory::close);
  }

  /** Promotes on the 2nd read within a minute; archives after a day idle; rehydration on. */
  private TieredMemory.Builder builder(TierStore hot) {
    return TieredMemory.builder("read-moves")
        .hot(hot)
        .warm(warm)
        .cold(cold)
        .clock(clock)
        .policy(
            TieringPolicy.custom()
                .promoteAfter(2, Duration.ofMinutes(1))
                .archiveWhenIdle(Duration.ofDays(1))
                .build())
        .disableScheduledSweeps()
        .discoverObservers(false);
  }

  private TieredMemory open(TieredMemory.Builder b) {
    TieredMemory store = b.build();
    stores.add(store);
    return store;
  }

  /** A store that promotes on every WARM read, its read moves handed to {@code executor}. */
  private TieredMemory promotingOnEveryRead(TierStore hot, Executor executor) {
    return open(
        builder(hot)
            .policy(TieringPolicy.custom().promoteAfter(1, Duration.ofMinutes(1)).build())
            .readMoves(executor));
  }

  /** Records each completed move and the thread it ran on, as one entry (read as a whole). */
  private static final class MoveThreads implements TierObserver {
    record Move(String fromTo, String thread, boolean daemon) {}

    final List<Move> all = new CopyOnWriteArrayList<>();

    @Override
    public void movementCompleted(Tier from, Tier to, MoveReason reason, long durationNanos) {
      Thread t = Thread.currentThread();
      all.add(new Move(from.label() + "->" + to.label(), t.getName(), t.isDaemon()));
    }

    List<String> threads() {
      return all.stream().map(Move::thread).toList();
    }

    List<String> moves() {
      return all.stream().map(Move::fromTo).toList();
    }
  }

  @Test
  void caller_promotesBeforeGetReturns_onTheReadingThread() {
    TierStore hot = InProcessTiers.hot();
    MoveThreads seen = new MoveThreads();
    TieredMemory store = open(builder(hot).readMoves(ReadMoves.CALLER).observer(seen));
    store.put("k", "v1");
    hot.remove("k"); // leave WARM as the only holder
    assertThat(store.get("k")).map(Memory::content).contains("v1");
    assertThat(hot.peek("k")).as("one read: not due").isNull();
    assertThat(store.get("k")).map(Memory::content).contains("v1");
    assertThat(hot.peek("k")).as("second read promoted before get returned").isNotNull();
    assertThat(seen.threads()).containsExactly(Thread.currentThread().getName());
  }

  @Test
  void auto_withEveryTierInProcess_movesOnTheReadingThread() {
    TierStore hot = InProcessTiers.hot();
    MoveThreads seen = new MoveThreads();
    TieredMemory store = open(builder(hot).observer(seen));
    store.put("k", "v1");
    hot.remove("k");
    store.get("k");
    store.get("k");
    assertThat(hot.peek("k")).isNotNull();
    assertThat(seen.threads()).containsExactly(Thread.currentThread().getName());
  }

  @Test
  void auto_withARemoteTier_movesOnTheStoresOwnThreads() throws Exception {
    BlockingHot hot = new BlockingHot(true);
    MoveThreads seen = new MoveThreads();
    TieredMemory store = open(builder(hot).observer(seen));
    store.put("k", "v1");
    // The put's HOT copy is made on the store's threads too: wait for it, then leave WARM as the
    // only holder (removing it before the copy ran would let the copy bring it back).
    awaitHot(hot, "k");
    hot.remove("k");
    hot.block();
    store.get("k");
    // The second read is due; its promotion waits on HOT, the read does not.
    assertThat(store.get("k")).map(Memory::content).contains("v1");
    assertThat(hot.entered.await(10, TimeUnit.SECONDS)).as("the promotion started").isTrue();
    assertThat(hot.peek("k")).as("still blocked in HOT's copyIn").isNull();
    hot.release();
    awaitHot(hot, "k");
    awaitSize(seen.all, 1);
    assertThat(seen.threads().get(0)).startsWith("tiered-memory-read-moves-moves-");
    assertThat(seen.all.get(0).daemon())
        .as("the store's move threads never keep the JVM up")
        .isTrue();
    assertThat(seen.moves()).containsExactly("warm->hot");
  }

  @Test
  void background_coldRead_returnsFromCold_thenRehydratesOffTheReadingThread() throws Exception {
    TierStore hot = InProcessTiers.hot();
    MoveThreads seen = new MoveThreads();
    TieredMemory store = open(builder(hot).readMoves(ReadMoves.BACKGROUND).observer(seen));
    store.put("old", "archived fact");
    hot.remove("old");
    clock.advance(Duration.ofDays(2));
    store.sweep();
    assertThat(cold.peek("old")).as("archived").isNotNull();
    assertThat(seen.moves()).containsExactly("warm->cold");
    seen.all.clear();
    Memory got = store.get("old").orElseThrow();
    assertThat(got.content()).isEqualTo("archived fact");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (cold.peek("old") != null && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(cold.peek("old")).as("rehydrated: COLD's copy removed").isNull();
    assertThat(warm.peek("old")).as("WARM holds it again").isNotNull();
    awaitSize(seen.all, 1);
    assertThat(seen.moves()).containsExactly("cold->warm");
    assertThat(seen.threads().get(0)).startsWith("tiered-memory-read-moves-moves-");
    assertThat(store.get("old")).map(Memory::version).contains(got.version());
  }

  @Test
  void executor_aKeyWaitsOnce_andIsQueuedAgainOnceItsMoveRan() {
    TierStore hot = InProcessTiers.hot();
    List<Runnable> queued = new ArrayList<>();
    TieredMemory store = promotingOnEveryRead(hot, queued::add);
    store.put("k", "v1");
    hot.remove("k");
    for (int i = 0; i < 5; i++) {
      assertThat(store.get("k")).map(Memory::content).contains("v1");
    }
    assertThat(queued).as("one move waits for k, however often it is read").hasSize(1);
    assertThat(hot.peek("k")).isNull();
    queued.remove(0).run();
    assertThat(hot.peek("k")).as("the move promoted k").isNotNull();
    hot.remove("k");
    store.get("k");
    assertThat(queued).as("k is queued again once its move ran").hasSize(1);
    assertThat(store.readMovesDropped()).isZero();
  }

  @Test
  void executor_aMoveReadsWhatIsThereWhenItRuns_notWhatTheReaderSaw() {
    TierStore hot = InProcessTiers.hot();
    List<Runnable> queued = new ArrayList<>();
    TieredMemory store = promotingOnEveryRead(hot, queued::add);
    store.put("k", "v1");
    hot.remove("k");
    store.get("k");
    store.put("k", "v2"); // written after the read, before its promotion
    hot.remove("k");
    queued.remove(0).run();
    StoredMemory promoted = hot.peek("k");
    assertThat(promoted).isNotNull();
    assertThat(promoted.memory().content()).isEqualTo("v2");
    assertThat(store.get("k")).map(Memory::content).contains("v2");
    store.delete("k");
    store.put("gone", "x");
    hot.remove("gone");
    store.get("gone");
    store.delete("gone"); // deleted before its promotion runs
    queued.remove(0).run();
    assertThat(hot.peek("gone")).as("a deleted memory is never promoted").isNull();
    assertThat(store.get("gone")).isEmpty();
  }

  @Test
  void executor_refusing_dropsAndCountsTheMove_theReadStillReturns() {
    TierStore hot = InProcessTiers.hot();
    Executor refusing =
        r -> {
          throw new RejectedExecutionException("full");
        };
    TieredMemory store = promotingOnEveryRead(hot, refusing);
    store.put("a", "1");
    store.put("b", "2");
    hot.remove("a");
    hot.remove("b");
    assertThat(store.get("a")).map(Memory::content).contains("1");
    assertThat(store.get("b")).map(Memory::content).contains("2");
    assertThat(store.readMovesDropped()).isEqualTo(2);
    assertThat(hot.peek("a")).isNull();
    assertThat(store.get("a")).as("still served from WARM").map(Memory::content).contains("1");
    assertThat(store.readMovesDropped()).isEqualTo(3);
  }

  @Test
  void executor_beyondTheCapOfWaitingKeys_movesAreDroppedAndCounted() {
    TierStore hot = InProcessTiers.hot();
    List<Runnable> queued = new ArrayList<>();
    TieredMemory store = promotingOnEveryRead(hot, queued::add);
    int cap = TieredMemory.Builder.MAX_PENDING_READ_MOVES;
    for (int i = 0; i <= cap; i++) {
      store.put("k" + i, "v");
      hot.remove("k" + i);
    }
    for (int i = 0; i <= cap; i++) {
      assertThat(store.get("k" + i)).isPresent();
    }
    assertThat(queued).hasSize(cap);
    assertThat(store.readMovesDropped()).isEqualTo(1);
    store.get("k0"); // already waiting: not a drop
    assertThat(store.readMovesDropped()).isEqualTo(1);
    queued.remove(0).run();
    store.get("k" + cap); // room again
    assertThat(queued).hasSize(cap);
    assertThat(store.readMovesDropped()).isEqualTo(1);
  }

  @Test
  void executor_movesRunAfterClose_doNothing() {
    TierStore hot = InProcessTiers.hot();
    List<Runnable> queued = new ArrayList<>();
    TieredMemory store =
        TieredMemory.builder("read-moves-closed")
            .hot(hot)
            .clock(clock)
            .policy(TieringPolicy.custom().promoteAfter(1, Duration.ofMinutes(1)).build())
            .disableScheduledSweeps()
            .discoverObservers(false)
            .readMoves((Executor) queued::add)
            .build();
    store.put("k", "v");
    hot.remove("k");
    store.get("k");
    store.close();
    queued.remove(0).run();
    assertThat(hot.peek("k")).isNull();
  }

  @Test
  void background_close_letsAMoveUnderWayFinish() throws Exception {
    BlockingHot hot = new BlockingHot(false);
    MoveThreads seen = new MoveThreads();
    TieredMemory store =
        builder(hot)
            .policy(TieringPolicy.custom().promoteAfter(1, Duration.ofMinutes(1)).build())
            .readMoves(ReadMoves.BACKGROUND)
            .observer(seen)
            .build();
    store.put("k", "v");
    hot.remove("k");
    hot.block();
    store.get("k");
    assertThat(hot.entered.await(10, TimeUnit.SECONDS)).isTrue();
    Thread closer = new Thread(store::close);
    closer.start();
    Thread.sleep(50);
    assertThat(closer.isAlive()).as("close waits for the move under way").isTrue();
    hot.release();
    closer.join(10_000);
    assertThat(closer.isAlive()).isFalse();
    assertThat(seen.moves()).containsExactly("warm->hot");
  }

  @Test
  void aSearch_overlappingARehydration_looksAgain_andFindsTheMemory() {
    TierStore hot = InProcessTiers.hot();
    List<Runnable> queued = new ArrayList<>();
    // COLD runs the waiting rehydration when it is searched: WARM was asked while the memory was
    // still archived, COLD is asked after its copy went to WARM.
    TierStore racingCold =
        new ForwardingTierStore(cold) {
          @Override
          public java.util.Optional<io.tieredmemory.core.spi.VectorSearch> vectorSearch() {
            io.tieredmemory.core.spi.VectorSearch real = super.vectorSearch().orElseThrow();
            return java.util.Optional.of(
                (vector, text, k) -> {
                  if (!queued.isEmpty()) {
                    queued.remove(0).run();
                  }
                  return real.search(vector, text, k);
                });
          }

          @Override
          public boolean isRemote() {
            return false;
          }
        };
    TieredMemory store =
        open(
            TieredMemory.builder("read-moves-search")
                .hot(hot)
                .warm(warm)
                .cold(racingCold)
                .clock(clock)
                .policy(TieringPolicy.custom().archiveWhenIdle(Duration.ofDays(1)).build())
                .disableScheduledSweeps()
                .discoverObservers(false)
                .readMoves((Executor) queued::add));
    store.put("trip", "walking tour of the old town");
    hot.remove("trip");
    clock.advance(Duration.ofDays(2));
    store.sweep();
    assertThat(cold.peek("trip")).as("archived").isNotNull();
    store.get("trip"); // its rehydration waits
    assertThat(queued).hasSize(1);
    List<SearchHit> hits = store.search("walking tour", 5);
    assertThat(queued).as("the rehydration ran during the search").isEmpty();
    assertThat(warm.peek("trip")).isNotNull();
    assertThat(hits).extracting(h -> h.memory().key()).containsExactly("trip");
    assertThat(hits.get(0).tier()).isEqualTo(Tier.WARM);
  }

  @Test
  void builder_rejectsNull() {
    TieredMemory.Builder b = TieredMemory.builder("x");
    assertThatThrownBy(() -> b.readMoves((ReadMoves) null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("readMoves");
    assertThatThrownBy(() -> b.readMoves((Executor) null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("readMoves");
  }

  private static void awaitHot(TierStore hot, String key) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (hot.peek(key) == null && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(hot.peek(key)).as("%s in HOT within 10 s", key).isNotNull();
  }

  private static void awaitSize(List<?> list, int size) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (list.size() < size && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(list).hasSize(size);
  }

  /** An in-process HOT whose copyIn can be held until released; remote or not as asked. */
  private static final class BlockingHot extends ForwardingTierStore {
    private final boolean remote;
    final CountDownLatch entered = new CountDownLatch(1);
    private volatile @Nullable CountDownLatch gate;

    BlockingHot(boolean remote) {
      super(InProcessTiers.hot());
      this.remote = remote;
    }

    void block() {
      gate = new CountDownLatch(1);
    }

    void release() {
      CountDownLatch g = gate;
      if (g != null) {
        g.countDown();
      }
    }

    @Override
    public boolean isRemote() {
      return remote;
    }

    @Override
    public boolean copyIn(StoredMemory copy) {
      CountDownLatch g = gate;
      if (g != null) {
        entered.countDown();
        try {
          g.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return super.copyIn(copy);
    }
  }
}
