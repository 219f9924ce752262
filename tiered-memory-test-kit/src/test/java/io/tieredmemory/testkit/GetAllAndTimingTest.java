package io.tieredmemory.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.Operation;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.RecallSource;
import io.tieredmemory.core.RequestResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.TieredMemoryException;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.ForwardingTierStore;
import io.tieredmemory.core.spi.TierObserver;
import io.tieredmemory.core.spi.TierStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code getAll} as users rely on it: each key from the highest tier that holds it, absent keys
 * left out, one batch call per tier, one request per key counted by the tier that served it (each
 * timed with its share of the call), the moves a {@code get} would cause, and a failure that fails
 * the call and completes every key's request as an error. And which gets are timed: every one on a
 * store whose HOT tier is remote, one in {@code timingSample} on an in-process one, and an {@link
 * Error} from a tier completes the request exactly once.
 */
class GetAllAndTimingTest {
  private final ManualClock clock = new ManualClock();
  private final RecordingObserver rec = new RecordingObserver();
  private final Durations durations = new Durations(0);
  private final FaultyTierStore hot = new FaultyTierStore(InProcessTiers.hot());
  private final FaultyTierStore warm = new FaultyTierStore(InProcessTiers.warm(Embedder.hashing()));
  private final FaultyTierStore cold = new FaultyTierStore(InProcessTiers.cold(Embedder.hashing()));
  private TieredMemory store;

  /** The durations observers are given for requests, in order ({@code -1}: not timed). */
  static final class Durations implements TierObserver {
    final List<Long> nanos = new CopyOnWriteArrayList<>();
    private final int sample;

    Durations(int sample) {
      this.sample = sample;
    }

    @Override
    public int timingSample() {
      return sample;
    }

    @Override
    public void requestCompleted(
        Operation operation, @Nullable Tier tier, RequestResult result, long durationNanos) {
      nanos.add(durationNanos);
    }
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  private TieredMemory open(TierStore hotTier, TierStore warmTier, TierObserver... observers) {
    TieredMemory.Builder b =
        TieredMemory.builder("get-all")
            .readMoves(ReadMoves.CALLER) // the test tiers say they are remote
            .hot(hotTier)
            .warm(warmTier)
            .cold(cold)
            .clock(clock)
            .policy(
                TieringPolicy.custom()
                    .promoteAfter(2, Duration.ofMinutes(10))
                    .demoteWhenIdle(Duration.ofMinutes(1))
                    .archiveWhenIdle(Duration.ofHours(1))
                    .rehydrate(true, false)
                    .build())
            .disableScheduledSweeps()
            .discoverObservers(false);
    for (TierObserver o : observers) {
      b.observer(o);
    }
    store = b.build();
    return store;
  }

  /** "c" in COLD only, "w" in WARM only, "h" in HOT (and WARM). */
  private void threeTiers() {
    store.put("c", "cold one");
    store.put("w", "warm one");
    hot.remove("c");
    hot.remove("w");
    clock.advance(Duration.ofHours(2));
    assertThat(store.sweep().archived()).isEqualTo(2);
    store.put("w", "warm one"); // written again: WARM, and HOT, which drops it below
    hot.remove("w");
    store.put("h", "hot one");
  }

  @Test
  void getAll_readsEachKeyFromItsHighestTier_inOneCallPerTier_andCountsEachKeysRequest() {
    open(hot, warm, rec, durations);
    threeTiers();
    assertThat(cold.peek("c")).isNotNull();
    long[] calls = {hot.calls("readAll"), warm.calls("locateAll"), cold.calls("readAll")};
    durations.nanos.clear();

    long before = System.nanoTime();
    Map<String, Memory> got = store.getAll(List.of("c", "x", "w", "h"));
    long elapsed = System.nanoTime() - before;

    assertThat(got).containsOnlyKeys("c", "w", "h");
    assertThat(got.get("c").content()).isEqualTo("cold one");
    assertThat(got.get("w").content()).isEqualTo("warm one");
    assertThat(got.get("h").content()).isEqualTo("hot one");
    assertThat(new long[] {hot.calls("readAll"), warm.calls("locateAll"), cold.calls("readAll")})
        .as("one batch call per tier: HOT for all four, WARM for three, COLD for one")
        .containsExactly(calls[0] + 1, calls[1] + 1, calls[2] + 1);
    assertThat(rec.requests(Operation.GET, Tier.HOT, RequestResult.HIT)).isEqualTo(1);
    assertThat(rec.requests(Operation.GET, Tier.WARM, RequestResult.HIT)).isEqualTo(1);
    assertThat(rec.requests(Operation.GET, Tier.COLD, RequestResult.HIT)).isEqualTo(1);
    assertThat(rec.requests(Operation.GET, null, RequestResult.MISS)).isEqualTo(1);
    assertThat(durations.nanos).as("each key's share of the call").hasSize(4);
    assertThat(durations.nanos.stream().mapToLong(Long::longValue).sum())
        .as("the shares add up to at most the call")
        .isBetween(0L, elapsed);
    // The moves a get would cause: the COLD read brought "c" back to WARM.
    assertThat(cold.peek("c")).isNull();
    assertThat(warm.peek("c").memory().content()).isEqualTo("cold one");
    assertThat(rec.movements(Tier.COLD, Tier.WARM, MoveReason.COLD_READ)).isEqualTo(1);
  }

  @Test
  void getAll_whenHotFails_isServedByWarm() {
    open(hot, warm, rec);
    store.put("a", "alpha");
    store.put("b", "beta");
    hot.failing("readAll").set(true);
    assertThat(store.getAll(List.of("a", "b"))).containsOnlyKeys("a", "b");
    assertThat(rec.requests(Operation.GET, Tier.WARM, RequestResult.HIT)).isEqualTo(2);
  }

  @Test
  void getAll_whenWarmFails_failsNamingTheBatch_andCompletesEveryKeyAsAnError() {
    open(hot, warm, rec);
    store.put("a", "alpha");
    hot.remove("a");
    warm.failing("locateAll").set(true);

    Throwable thrown = catchThrowable(() -> store.getAll(List.of("a", "b", "c")));

    assertThat(thrown)
        .isInstanceOf(TieredMemoryException.class)
        .hasMessageContaining("getAll of 3 keys");
    assertThat(rec.requests(Operation.GET, null, RequestResult.ERROR)).isEqualTo(3);
    assertThat(rec.log()).filteredOn(s -> s.startsWith("request get")).hasSize(3);
  }

  @Test
  void everyGet_isTimed_whenHotIsRemote() {
    open(hot, warm, durations); // FaultyTierStore says it is remote
    store.put("a", "alpha");
    durations.nanos.clear();
    for (int i = 0; i < 50; i++) {
      store.get(i % 2 == 0 ? "a" : "absent");
    }
    assertThat(durations.nanos).hasSize(50).allMatch(n -> n >= 0);
  }

  /**
   * The durations of 600 gets (hits, misses and recalls) on an in-process store whose observer asks
   * for one get in {@code sample} to be timed.
   */
  private List<Long> inProcessGetDurations(int sample) {
    Durations seen = new Durations(sample);
    open(InProcessTiers.hot(), InProcessTiers.warm(Embedder.hashing()), seen);
    store.put("a", "alpha");
    seen.nanos.clear();
    for (int i = 0; i < 200; i++) {
      store.get("a");
      store.get("absent");
      store.get("a", RecallSource.LANGCHAIN4J_CHAT);
    }
    store.close();
    return seen.nanos;
  }

  @Test
  void onAnInProcessHot_getsAreTimedOneInTimingSample_recallsIncluded() {
    assertThat(inProcessGetDurations(1 << 30)).hasSize(600).allMatch(n -> n == -1);
    assertThat(inProcessGetDurations(1)).hasSize(600).allMatch(n -> n >= 0);
  }

  @Test
  void anErrorFromATier_propagates_andCompletesTheGetOnceAsAnError() {
    TierStore throwing =
        new ForwardingTierStore(InProcessTiers.warm(Embedder.hashing())) {
          @Override
          protected <T> T forward(String method, Supplier<T> call) {
            if (method.equals("locate")) {
              throw new StackOverflowError("injected");
            }
            return call.get();
          }
        };
    open(hot, throwing, rec);
    Throwable thrown = catchThrowable(() -> store.get("k"));
    assertThat(thrown).isInstanceOf(StackOverflowError.class).hasMessage("injected");
    assertThat(rec.requests(Operation.GET, null, RequestResult.ERROR)).isEqualTo(1);
    assertThat(rec.log()).filteredOn(s -> s.startsWith("request get")).hasSize(1);
  }
}
