package io.tieredmemory.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.ForwardingTierStore;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierObserver;
import io.tieredmemory.core.spi.TierStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The copy a {@code put} leaves in HOT. With a remote HOT and moves off the calling thread ({@link
 * ReadMoves}) it is made after the put returned: the caller waits for HOT's removal and WARM's
 * write only, reads meanwhile get the new version from WARM, and the copy, when it runs, holds the
 * version WARM holds then. Otherwise it is made before the put returns.
 */
class PutHotCopyTest {
  private final List<TieredMemory> stores = new ArrayList<>();
  private final TierStore warm = InProcessTiers.warm(Embedder.hashing());
  private final List<Runnable> queued = new ArrayList<>();
  private final Served served = new Served();

  @AfterEach
  void close() {
    stores.forEach(TieredMemory::close);
  }

  /** An in-process HOT that says it is remote, as Redis does; records the threads that copy in. */
  private static final class RemoteHot extends ForwardingTierStore {
    final List<String> copiedOn = new CopyOnWriteArrayList<>();
    volatile boolean failing;

    RemoteHot() {
      super(InProcessTiers.hot());
    }

    @Override
    public boolean isRemote() {
      return true;
    }

    @Override
    public boolean copyIn(StoredMemory copy) {
      copiedOn.add(Thread.currentThread().getName());
      if (failing) {
        throw new IllegalStateException("HOT down");
      }
      return super.copyIn(copy);
    }
  }

  /** The tier that served each get, in order. */
  private static final class Served implements TierObserver {
    final List<String> gets = new CopyOnWriteArrayList<>();

    @Override
    public void requestCompleted(
        Operation operation, @Nullable Tier tier, RequestResult result, long durationNanos) {
      if (operation == Operation.GET) {
        gets.add(tier == null ? result.label() : tier.label());
      }
    }
  }

  private TieredMemory open(TierStore hot, @Nullable Executor executor, ReadMoves mode) {
    TieredMemory.Builder b =
        TieredMemory.builder("put-copy")
            .hot(hot)
            .warm(warm)
            .disableScheduledSweeps()
            .discoverObservers(false)
            .observer(served);
    TieredMemory store = (executor != null ? b.readMoves(executor) : b.readMoves(mode)).build();
    stores.add(store);
    return store;
  }

  private TieredMemory queuedCopies(TierStore hot) {
    return open(hot, queued::add, ReadMoves.BACKGROUND);
  }

  @Test
  void remoteHot_putReturnsBeforeTheCopy_readsGetTheNewVersionFromWarm_thenFromHot() {
    RemoteHot hot = new RemoteHot();
    TieredMemory store = queuedCopies(hot);
    Memory v1 = store.put("k", "v1");
    assertThat(queued).as("the put's HOT copy waits for the store's threads").hasSize(1);
    assertThat(hot.peek("k")).as("not copied before put returned").isNull();
    assertThat(store.get("k")).map(Memory::content).contains("v1");
    queued.remove(0).run();
    StoredMemory copy = hot.peek("k");
    assertThat(copy).isNotNull();
    assertThat(copy.version()).as("the version the put wrote").isEqualTo(v1.version());
    assertThat(store.get("k")).map(Memory::content).contains("v1");
    assertThat(served.gets).containsExactly("warm", "hot");
  }

  @Test
  void putsBeforeTheCopyRuns_waitOnce_andHotGetsTheLatest() {
    RemoteHot hot = new RemoteHot();
    TieredMemory store = queuedCopies(hot);
    store.put("k", "v1");
    store.put("k", "v2");
    Memory v3 = store.put("k", "v3");
    assertThat(queued).as("one copy waits per key").hasSize(1);
    queued.remove(0).run();
    assertThat(hot.peek("k")).extracting(StoredMemory::version).isEqualTo(v3.version());
    assertThat(store.get("k")).map(Memory::content).contains("v3");
    store.put("k", "v4");
    assertThat(queued).as("queued again once its copy ran").hasSize(1);
    assertThat(hot.peek("k")).as("v4's put removed v3's copy").isNull();
    assertThat(store.get("k")).map(Memory::content).contains("v4");
  }

  @Test
  void aCopyThatRunsAfterADelete_copiesNothing() {
    RemoteHot hot = new RemoteHot();
    TieredMemory store = queuedCopies(hot);
    store.put("k", "v1");
    assertThat(store.delete("k")).isTrue();
    queued.remove(0).run();
    assertThat(hot.peek("k")).isNull();
    assertThat(store.get("k")).isEmpty();
  }

  @Test
  void aCopyWaitingWhenTheKeyIsPutAgain_copiesTheLaterVersion_andHotIsNeverOlder() {
    RemoteHot hot = new RemoteHot();
    TieredMemory store = queuedCopies(hot);
    store.put("k", "v1");
    Runnable v1Copy = queued.remove(0); // handed to the executor, not run yet
    Memory v2 = store.put("k", "v2");
    assertThat(queued).as("v2's copy is folded into the one waiting").isEmpty();
    v1Copy.run(); // re-reads WARM under the lock: v2
    assertThat(hot.peek("k")).extracting(StoredMemory::version).isEqualTo(v2.version());
    assertThat(store.get("k")).map(Memory::content).contains("v2");
  }

  @Test
  void caller_copiesBeforePutReturns_onTheCallingThread() {
    RemoteHot hot = new RemoteHot();
    TieredMemory store = open(hot, null, ReadMoves.CALLER);
    Memory v1 = store.put("k", "v1");
    assertThat(hot.peek("k")).extracting(StoredMemory::version).isEqualTo(v1.version());
    assertThat(hot.copiedOn).containsExactly(Thread.currentThread().getName());
    assertThat(store.get("k")).map(Memory::content).contains("v1");
    assertThat(served.gets).containsExactly("hot");
  }

  @Test
  void inProcessHot_copiesBeforePutReturns_evenWithMovesInTheBackground() {
    TierStore hot = InProcessTiers.hot();
    TieredMemory store = queuedCopies(hot);
    Memory v1 = store.put("k", "v1");
    assertThat(queued).as("a copy into process memory is not handed over").isEmpty();
    assertThat(hot.peek("k")).extracting(StoredMemory::version).isEqualTo(v1.version());
  }

  @Test
  void auto_withARemoteHot_copiesOnTheStoresOwnThreads() throws InterruptedException {
    RemoteHot hot = new RemoteHot();
    TieredMemory store = open(hot, null, ReadMoves.AUTO);
    Memory v1 = store.put("k", "v1");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (hot.peek("k") == null && System.nanoTime() < deadline) {
      Thread.sleep(2);
    }
    assertThat(hot.peek("k")).extracting(StoredMemory::version).isEqualTo(v1.version());
    assertThat(hot.copiedOn).hasSize(1);
    assertThat(hot.copiedOn.get(0)).startsWith("tiered-memory-put-copy-moves-");
  }

  @Test
  void aRefusedCopy_isCountedAsDropped_andTheMemoryIsServedFromWarm() {
    RemoteHot hot = new RemoteHot();
    Executor refusing =
        r -> {
          throw new RejectedExecutionException("full");
        };
    TieredMemory store = open(hot, refusing, ReadMoves.BACKGROUND);
    store.put("k", "v1");
    assertThat(store.readMovesDropped()).isEqualTo(1);
    assertThat(hot.peek("k")).isNull();
    assertThat(store.get("k")).map(Memory::content).contains("v1");
  }

  @Test
  void aFailedCopy_isNeitherThrownNorLeftBehind() {
    RemoteHot hot = new RemoteHot();
    TieredMemory store = queuedCopies(hot);
    store.put("k", "v1");
    hot.failing = true;
    queued.remove(0).run(); // logged, not thrown
    hot.failing = false;
    assertThat(hot.peek("k")).isNull();
    assertThat(store.get("k")).map(Memory::content).contains("v1");
    store.put("k", "v2");
    queued.remove(0).run();
    assertThat(store.get("k")).map(Memory::content).contains("v2");
    assertThat(served.gets).containsExactly("warm", "hot");
  }
}
