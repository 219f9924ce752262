package io.tieredmemory.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tieredmemory.core.MemoryLimits;
import io.tieredmemory.core.MemoryWrite;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.ForwardingTierStore;
import io.tieredmemory.core.spi.KeyCoordinator;
import io.tieredmemory.core.spi.TierStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * What a caller relies on at the edges of a store's life and input: every entry point of a closed
 * store refuses to run (naming the store), the write that carries an embedding checks content and
 * metadata like any put, and {@code close()} flushes and closes every tier and the coordinator,
 * also when one tier's flush fails.
 */
class StoreEdgesTest {
  private final FaultyTierStore hot = new FaultyTierStore(InProcessTiers.hot());
  private final FaultyTierStore warm = new FaultyTierStore(InProcessTiers.warm(Embedder.hashing()));
  private final FaultyTierStore cold = new FaultyTierStore(InProcessTiers.cold(Embedder.hashing()));

  /** A coordinator that counts its close. */
  private static final class CountingCoordinator implements KeyCoordinator {
    final KeyCoordinator delegate = KeyCoordinator.inProcess();
    final AtomicInteger closed = new AtomicInteger();

    @Override
    public Lease lock(String key) {
      return delegate.lock(key);
    }

    @Override
    public void close() {
      closed.incrementAndGet();
    }
  }

  private final CountingCoordinator coordinator = new CountingCoordinator();

  /** Counts its close (FaultyTierStore passes close straight through). */
  private static final class Closing extends ForwardingTierStore {
    final AtomicInteger closed = new AtomicInteger();

    Closing(TierStore delegate) {
      super(delegate);
    }

    @Override
    public void close() {
      closed.incrementAndGet();
      super.close();
    }
  }

  private final Closing hotClosing = new Closing(hot);
  private final Closing warmClosing = new Closing(warm);
  private final Closing coldClosing = new Closing(cold);

  private TieredMemory store(MemoryLimits limits) {
    return TieredMemory.builder("edges")
        // the test tiers say they are remote: make each read's move before it returns,
        // so what the test checks next does not race a background move
        .readMoves(ReadMoves.CALLER)
        .hot(hotClosing)
        .warm(warmClosing)
        .cold(coldClosing)
        .limits(limits)
        .coordinator(coordinator)
        .history(true)
        .disableScheduledSweeps()
        .discoverObservers(false)
        .build();
  }

  @Test
  void everyEntryPointOfAClosedStore_refusesToRun_namingTheStore() {
    TieredMemory store = store(MemoryLimits.defaults());
    store.put("k", "v");
    store.close();
    List<Consumer<TieredMemory>> calls =
        List.of(
            s -> s.put("k", "v"),
            s -> s.put(MemoryWrite.of("k", "v")),
            s -> s.get("k"),
            s -> s.get("k", "api"),
            s -> s.delete("k"),
            s -> s.search("v", 3),
            s -> s.sweep(),
            s -> s.plan(10),
            s -> s.history("k"));
    for (Consumer<TieredMemory> call : calls) {
      assertThatThrownBy(() -> call.accept(store))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("edges")
          .hasMessageContaining("closed");
    }
    assertThat(warm.calls("upsert")).as("nothing reached WARM after close").isEqualTo(1);
  }

  @Test
  void aWriteWithItsEmbedding_isCheckedLikeAnyPut_beforeAnyTierIsAsked() {
    try (TieredMemory store = store(MemoryLimits.defaults().withMaxContentLength(8))) {
      assertThatThrownBy(() -> store.put(MemoryWrite.of("k", "123456789")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("k")
          .hasMessageContaining("8");
      assertThatThrownBy(
              () -> store.put(MemoryWrite.of("k", "short").withMetadata(Map.of("tm_x", "y"))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("tm_x");
      assertThatThrownBy(() -> store.get(" ", "api")).isInstanceOf(IllegalArgumentException.class);
      assertThat(hot.calls("remove") + warm.calls("upsert") + hot.calls("read"))
          .as("no tier asked for a refused request")
          .isZero();
    }
  }

  @Test
  void close_flushesAndClosesEveryTierAndTheCoordinator_evenWhenAFlushFails() {
    TieredMemory store = store(MemoryLimits.defaults());
    store.put("k", "v");
    hot.failing("flush").set(true);
    store.close();
    for (FaultyTierStore tier : List.of(hot, warm, cold)) {
      assertThat(tier.calls("flush")).as(tier.kind() + " flushed").isPositive();
    }
    for (Closing tier : List.of(hotClosing, warmClosing, coldClosing)) {
      assertThat(tier.closed).as(tier.kind() + " closed").hasValue(1);
    }
    assertThat(coordinator.closed).as("coordinator closed").hasValue(1);
    // The history queued by the put reached WARM before its tier was closed.
    try (TieredMemory reopened = store(MemoryLimits.defaults())) {
      assertThat(reopened.history("k").entries()).hasSize(1);
    }
  }
}
