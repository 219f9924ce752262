package io.tieredmemory.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.tieredmemory.core.MemoryWrite;
import io.tieredmemory.core.Operation;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.RequestResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.TierObserver;
import io.tieredmemory.testkit.FaultyTierStore;
import io.tieredmemory.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * TierObserver's start contract, checked on the in-process store: every start is completed exactly
 * once, on its thread, last in first out, on every path (hits, misses, batches, moves, sweeps, tier
 * failures, errors thrown to the caller); and a store none of whose observers wants starts never
 * calls a start hook.
 */
class StartHooksTest {
  private final ManualClock clock = new ManualClock();
  private final FaultyTierStore warm = new FaultyTierStore(InProcessTiers.warm(Embedder.hashing()));

  private TieredMemory store(TierObserver observer) {
    return TieredMemory.builder("starts")
        // the test tiers say they are remote: make each read's move before it returns,
        // so what the test checks next does not race a background move
        .readMoves(ReadMoves.CALLER)
        .clock(clock)
        .hot(InProcessTiers.hot())
        .warm(warm)
        .cold(InProcessTiers.cold(Embedder.hashing()))
        .policy(
            TieringPolicy.custom()
                .promoteAfter(2, Duration.ofMinutes(10))
                .demoteWhenIdle(Duration.ofMinutes(1))
                .archiveWhenIdle(Duration.ofMinutes(5))
                .build())
        .disableScheduledSweeps()
        .discoverObservers(false)
        .observer(observer)
        .build();
  }

  /** Pairs starts with completions per thread and records every breach of the contract. */
  static class PairingObserver implements TierObserver {
    final Queue<String> breaches = new ConcurrentLinkedQueue<>();
    final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final ThreadLocal<ArrayDeque<String>> open = ThreadLocal.withInitial(ArrayDeque::new);

    @Override
    public boolean wantsStarts() {
      return true;
    }

    private void start(String what) {
      counts.computeIfAbsent(what + ".start", k -> new AtomicInteger()).incrementAndGet();
      open.get().push(what);
    }

    private void end(String what) {
      counts.computeIfAbsent(what + ".end", k -> new AtomicInteger()).incrementAndGet();
      String top = open.get().poll();
      if (!what.equals(top)) {
        breaches.add(
            what + " completed on " + Thread.currentThread().getName() + " where open: " + top);
      }
    }

    private void during(String what) {
      String top = open.get().peek();
      if (!what.equals(top)) {
        breaches.add(what + "-only hook while open: " + top);
      }
    }

    int open() {
      return open.get().size();
    }

    int count(String key) {
      AtomicInteger n = counts.get(key);
      return n == null ? 0 : n.get();
    }

    @Override
    public void requestStarted(Operation operation, @Nullable String key) {
      if ((key == null) != (operation == Operation.SEARCH)) {
        breaches.add("key " + key + " for " + operation);
      }
      start(operation.label());
    }

    @Override
    public void requestFailed(Operation operation, Throwable error) {
      during(operation.label());
    }

    @Override
    public void putStored(boolean created) {
      during("put");
    }

    @Override
    public void searchCompleted(int hits, double topSimilarity) {
      during("search");
    }

    @Override
    public void requestCompleted(
        Operation operation, @Nullable Tier tier, RequestResult result, long durationNanos) {
      end(operation.label());
    }

    @Override
    public void movementStarted(Tier from, Tier to, MoveReason reason, @Nullable String key) {
      start("move " + from.label() + ">" + to.label());
    }

    @Override
    public void movementEnded(
        Tier from, Tier to, MoveReason reason, int moved, @Nullable Throwable error) {
      end("move " + from.label() + ">" + to.label());
    }

    @Override
    public void sweepStarted() {
      start("sweep");
    }

    @Override
    public void sweepCompleted(boolean success, long durationNanos) {
      end("sweep");
    }
  }

  /** Counts the start hooks of an observer that does not want them. */
  static final class NoStartsObserver extends PairingObserver {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public boolean wantsStarts() {
      return false;
    }

    @Override
    public void requestStarted(Operation operation, @Nullable String key) {
      calls.incrementAndGet();
    }

    @Override
    public void requestFailed(Operation operation, Throwable error) {
      calls.incrementAndGet();
    }

    @Override
    public void putStored(boolean created) {
      calls.incrementAndGet();
    }

    @Override
    public void movementStarted(Tier from, Tier to, MoveReason reason, @Nullable String key) {
      calls.incrementAndGet();
    }

    @Override
    public void movementEnded(
        Tier from, Tier to, MoveReason reason, int moved, @Nullable Throwable error) {
      calls.incrementAndGet();
    }

    @Override
    public void sweepStarted() {
      calls.incrementAndGet();
    }
  }

  /** Every path once: hits, misses, batches, a promotion, demotions, archives, failures, errors. */
  private void everyPath(TieredMemory s) {
    s.put("a", "alpha text");
    s.put("b", "beta text");
    s.get("a");
    s.get("nope");
    s.getAll(List.of("a", "nope", "b"));
    s.putAll(
        List.of(new MemoryWrite("c", "gamma", Map.of()), new MemoryWrite("d", "delta", Map.of())));
    s.search("alpha", 3);
    s.delete("d");
    clock.advance(Duration.ofMinutes(2));
    s.sweep(); // demotes a, b, c
    s.get("a");
    s.get("a"); // promotes
    clock.advance(Duration.ofMinutes(10));
    s.sweep(); // demotes a, archives a, b, c
    s.get("b"); // a COLD hit: rehydrates
    warm.failing().set(true);
    assertThatThrownBy(() -> s.get("x")).isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> s.put("x", "y")).isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> s.delete("x")).isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> s.search("x", 1)).isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> s.getAll(List.of("x", "z"))).isInstanceOf(RuntimeException.class);
    s.sweep(); // steps fail, the sweep completes
    warm.failing().set(false);
    for (String method : List.of("locate", "upsert", "delete", "search", "locateAll")) {
      warm.before(
          method,
          () -> {
            throw new AssertionError("a bug in " + method);
          });
    }
    assertThatThrownBy(() -> s.get("x")).isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> s.put("x", "y")).isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> s.delete("x")).isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> s.search("x", 1)).isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> s.getAll(List.of("x", "z"))).isInstanceOf(AssertionError.class);
    for (String method : List.of("locate", "upsert", "delete", "search", "locateAll")) {
      warm.before(method, null);
    }
    assertThatThrownBy(() -> s.get(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyStart_isCompletedOnce_onItsThread_lastInFirstOut_onEveryPath() {
    PairingObserver o = new PairingObserver();
    try (TieredMemory s = store(o)) {
      everyPath(s);
    }
    assertThat(o.breaches).isEmpty();
    assertThat(o.open()).isZero();
    for (String what : List.of("get", "put", "delete", "search", "sweep")) {
      assertThat(o.count(what + ".start")).as(what).isPositive().isEqualTo(o.count(what + ".end"));
    }
    // get: a, nope, 3 of getAll, a, a, b, x, 2 of getAll, x, 2 of getAll (" " starts nothing)
    assertThat(o.count("get.start")).isEqualTo(14);
    assertThat(o.count("put.start")).isEqualTo(6);
    for (String move :
        List.of("move warm>hot", "move hot>warm", "move warm>cold", "move cold>warm")) {
      assertThat(o.count(move + ".start")).as(move).isPositive().isEqualTo(o.count(move + ".end"));
    }
  }

  @Test
  void concurrentRequestsAndSweeps_completeEachStartOnItsOwnThread() throws Exception {
    PairingObserver o = new PairingObserver();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (TieredMemory s = store(o)) {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new java.util.ArrayList<>();
      for (int t = 0; t < 3; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  go.await();
                  for (int i = 0; i < 300; i++) {
                    String key = "k" + (i % 20);
                    switch ((i + thread) % 4) {
                      case 0 -> s.put(key, "text " + i);
                      case 1 -> s.get(key);
                      case 2 -> s.search("text", 2);
                      default -> s.delete(key);
                    }
                  }
                  return null;
                }));
      }
      done.add(
          pool.submit(
              () -> {
                go.await();
                for (int i = 0; i < 30; i++) {
                  clock.advance(Duration.ofMinutes(1));
                  s.sweep();
                }
                return null;
              }));
      go.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(o.breaches).isEmpty();
    for (String what : List.of("get", "put", "delete", "search", "sweep")) {
      assertThat(o.count(what + ".start")).as(what).isEqualTo(o.count(what + ".end"));
    }
  }

  @Test
  void aStoreWhoseObserversWantNoStarts_neverCallsAStartHook() {
    NoStartsObserver o = new NoStartsObserver();
    try (TieredMemory s = store(o)) {
      everyPath(s);
    }
    assertThat(o.calls).hasValue(0);
  }

  @Test
  void aNoopRegistry_isNotObserved_andARegistryWithAHandlerIs() {
    assertThat(TieredMemoryObservations.of(ObservationRegistry.NOOP).wantsStarts()).isFalse();
    ObservationRegistry empty = ObservationRegistry.create();
    assertThat(TieredMemoryObservations.of(empty).wantsStarts()).as("no handler").isFalse();
    ObservationRegistry handled = ObservationRegistry.create();
    handled
        .observationConfig()
        .observationHandler(
            new ObservationHandler<>() {
              @Override
              public boolean supportsContext(
                  io.micrometer.observation.Observation.Context context) {
                return true;
              }
            });
    assertThat(TieredMemoryObservations.of(handled).wantsStarts()).isTrue();
  }
}
