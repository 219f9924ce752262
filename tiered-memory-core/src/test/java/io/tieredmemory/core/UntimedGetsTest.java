package io.tieredmemory.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tieredmemory.core.spi.RequestCounts;
import io.tieredmemory.core.spi.TierObserver;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An observer that does not want untimed gets ({@link TierObserver#wantsUntimedGets()}, as the
 * Micrometer binding): it is told only of timed requests, and the store's {@link RequestCounts},
 * given to it before {@code attached}, count every request exactly, from every thread; an observer
 * that keeps the default is still told of every request.
 */
class UntimedGetsTest {
  private final List<TieredMemory> stores = new ArrayList<>();

  @AfterEach
  void close() {
    stores.forEach(TieredMemory::close);
  }

  /** Records what it was told, in order; does not want untimed gets unless {@code every}. */
  private static final class Recorder implements TierObserver {
    final boolean every;
    final int sample;
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<Long> durations = new CopyOnWriteArrayList<>();
    final Map<Operation, Long> requests = new EnumMap<>(Operation.class);
    @Nullable RequestCounts counts;

    Recorder(boolean every, int sample) {
      this.every = every;
      this.sample = sample;
    }

    @Override
    public boolean wantsUntimedGets() {
      return every;
    }

    @Override
    public int timingSample() {
      return sample;
    }

    @Override
    public void requestCounts(RequestCounts counts) {
      calls.add("requestCounts");
      this.counts = counts;
    }

    @Override
    public void attached(TieredMemory store) {
      calls.add("attached");
    }

    @Override
    public synchronized void requestCompleted(
        Operation operation, @Nullable Tier tier, RequestResult result, long durationNanos) {
      durations.add(durationNanos);
      requests.merge(operation, 1L, Long::sum);
    }

    synchronized long requests(Operation op) {
      return requests.getOrDefault(op, 0L);
    }

    RequestCounts counts() {
      return Objects.requireNonNull(counts, "requestCounts was not called");
    }
  }

  private TieredMemory open(TierObserver... observers) {
    TieredMemory.Builder b =
        TieredMemory.builder("untimed").disableScheduledSweeps().discoverObservers(false);
    for (TierObserver o : observers) {
      b.observer(o);
    }
    TieredMemory s = b.build();
    stores.add(s);
    return s;
  }

  @Test
  void anObserverThatDoesNotWantThem_isToldOnlyOfTimedGets_andTheCountsHoldEveryRequest() {
    Recorder timedOnly = new Recorder(false, 8);
    Recorder every = new Recorder(true, 0);
    TieredMemory store = open(timedOnly, every);
    assertThat(timedOnly.calls).containsExactly("requestCounts", "attached");
    assertThat(every.calls).as("an observer wanting every get is not given counts").hasSize(1);

    for (int i = 0; i < 10; i++) {
      store.put("k" + i, "v" + i);
    }
    int gets = 40_000;
    for (int i = 0; i < gets; i++) {
      store.get("k" + (i % 10)); // HOT hits
    }
    for (int i = 0; i < 100; i++) {
      store.get("absent" + i); // misses
    }
    store.delete("k0");
    store.search("v1", 3);

    RequestCounts counts = timedOnly.counts();
    assertThat(counts.count(Operation.GET, Tier.HOT, RequestResult.HIT)).isEqualTo(gets);
    assertThat(counts.count(Operation.GET, null, RequestResult.MISS)).isEqualTo(100);
    assertThat(counts.count(Operation.PUT, Tier.WARM, RequestResult.SUCCESS)).isEqualTo(10);
    assertThat(counts.count(Operation.DELETE, Tier.WARM, RequestResult.SUCCESS)).isEqualTo(1);
    long searches = 0;
    for (Tier t : new Tier[] {Tier.HOT, Tier.WARM, Tier.COLD, null}) {
      searches += counts.count(Operation.SEARCH, t, RequestResult.HIT);
      searches += counts.count(Operation.SEARCH, t, RequestResult.MISS);
    }
    assertThat(searches).isEqualTo(1);
    assertThat(counts.count(Operation.GET, Tier.WARM, RequestResult.HIT)).isZero();

    // The default observer is told of every request, as before.
    assertThat(every.requests(Operation.GET)).isEqualTo(gets + 100);
    assertThat(every.requests(Operation.PUT)).isEqualTo(10);
    // The other is told only of timed ones: every put, delete and search, about 1 get in 8.
    assertThat(timedOnly.durations).allMatch(d -> d >= 0);
    assertThat(timedOnly.requests(Operation.PUT)).isEqualTo(10);
    assertThat(timedOnly.requests(Operation.DELETE)).isEqualTo(1);
    assertThat(timedOnly.requests(Operation.SEARCH)).isEqualTo(1);
    double p = 1.0 / 8;
    double n = gets + 100;
    double sd = Math.sqrt(n * p * (1 - p));
    assertThat((double) timedOnly.requests(Operation.GET))
        .as("gets timed, of %s", (long) n)
        .isBetween(n * p - 6 * sd, n * p + 6 * sd);
    // Both see the same timed gets: one draw per get for the store.
    assertThat(every.durations.stream().filter(d -> d >= 0).count())
        .isEqualTo(timedOnly.durations.size());
  }

  @Test
  void counts_fromManyThreads_areExact_andAlone_noObserverIsToldOfUntimedGets() throws Exception {
    Recorder timedOnly = new Recorder(false, 1_000_000);
    TieredMemory store = open(timedOnly);
    store.put("k", "v");
    int threads = 4;
    int each = 50_000;
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w =
          new Thread(
              () -> {
                for (int i = 0; i < each; i++) {
                  store.get("k");
                }
              });
      w.start();
      workers.add(w);
    }
    for (Thread w : workers) {
      w.join();
    }
    assertThat(timedOnly.counts().count(Operation.GET, Tier.HOT, RequestResult.HIT))
        .isEqualTo((long) threads * each);
    assertThat(timedOnly.requests(Operation.GET))
        .as("one get in a million timed: almost surely none of 200,000")
        .isLessThan(5);
  }

  @Test
  void observersThatWantEveryGet_alone_areToldOfEach_withOneInNTimed() {
    // No observer reads the store's counts, so the store does not count: the draw is a fresh
    // random one per get, with the same law.
    Recorder every = new Recorder(true, 8);
    TieredMemory store = open(every);
    assertThat(every.calls).containsExactly("attached");
    store.put("k", "v");
    int gets = 40_000;
    for (int i = 0; i < gets; i++) {
      store.get("k");
    }
    assertThat(every.requests(Operation.GET)).isEqualTo(gets);
    long timed = every.durations.stream().filter(d -> d >= 0).count() - 1; // the put is timed
    double p = 1.0 / 8;
    double sd = Math.sqrt(gets * p * (1 - p));
    assertThat((double) timed).isBetween(gets * p - 6 * sd, gets * p + 6 * sd);
  }

  @Test
  void twoObserversThatDoNotWantThem_shareTheStoresCounts() {
    Recorder a = new Recorder(false, 0);
    Recorder b = new Recorder(false, 0);
    TieredMemory store = open(a, b);
    store.put("k", "v");
    store.get("k");
    assertThat(a.counts()).isSameAs(b.counts());
    assertThat(a.counts().count(Operation.GET, Tier.HOT, RequestResult.HIT)).isEqualTo(1);
  }

  @Test
  void anObserverWantingStartsButNotUntimedGets_isRefused_naming() {
    TierObserver bad =
        new TierObserver() {
          @Override
          public boolean wantsStarts() {
            return true;
          }

          @Override
          public boolean wantsUntimedGets() {
            return false;
          }

          @Override
          public String toString() {
            return "starts-only";
          }
        };
    assertThatThrownBy(() -> open(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("starts-only")
        .hasMessageContaining("wantsUntimedGets()");
  }

  @Test
  void requestCountsThatThrows_failsTheBuild_andDetachesWhatWasAttached() {
    Recorder first = new Recorder(true, 0);
    List<String> detached = new ArrayList<>();
    TierObserver firstTracked =
        new TierObserver() {
          @Override
          public void detached(TieredMemory store) {
            detached.add("first");
          }
        };
    TierObserver throwing =
        new TierObserver() {
          @Override
          public boolean wantsUntimedGets() {
            return false;
          }

          @Override
          public void requestCounts(RequestCounts counts) {
            throw new IllegalStateException("no thanks");
          }

          @Override
          public void attached(TieredMemory store) {
            detached.add("attached after a failed requestCounts");
          }
        };
    assertThatThrownBy(() -> open(first, firstTracked, throwing))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no thanks");
    assertThat(detached).containsExactly("first");
  }
}
