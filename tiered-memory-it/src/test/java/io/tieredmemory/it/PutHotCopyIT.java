package io.tieredmemory.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.Operation;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.RequestResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.testkit.RecordingObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The HOT copy a put leaves, on real Redis (HOT), PostgreSQL (WARM) and Chroma (COLD). With the
 * default {@link ReadMoves#AUTO} (a remote tier: moves on the store's own threads) the copy may be
 * made after {@code put} returned; what users rely on holds anyway: {@code get} returns the new
 * version at once, from whatever tier, HOT then holds exactly that version (and serves it), and a
 * quick run of puts of one key never leaves an older version in HOT. With {@link ReadMoves#CALLER}
 * HOT holds the copy when {@code put} returns.
 */
class PutHotCopyIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int KEYS = 30;

  /** Nothing moves on its own: no sweeps, no promotion within the test. */
  private static TieredMemory store(RealTiers real, RecordingObserver rec, ReadMoves where) {
    return TieredMemory.builder("put-copy")
        .readMoves(where)
        .hot(real.hot())
        .warm(real.warm())
        .cold(real.cold())
        .embedder(real.embedder)
        .policy(
            TieringPolicy.custom()
                .neverPromote()
                .demoteWhenIdle(Duration.ofDays(1))
                .archiveWhenIdle(Duration.ofDays(7))
                .build())
        .disableScheduledSweeps()
        .discoverObservers(false)
        .observer(rec)
        .build();
  }

  @Test
  void defaultMode_getReturnsEachPutAtOnce_andHotThenHoldsExactlyItsVersion() throws Exception {
    try (RealTiers real = new RealTiers("putcopy");
        TierStore hot = real.hot()) { // a second view of the same Redis data, to look into it
      RecordingObserver rec = new RecordingObserver();
      List<Memory> written = new ArrayList<>();
      try (TieredMemory store = store(real, rec, ReadMoves.AUTO)) {
        for (int round = 1; round <= 2; round++) {
          written.clear();
          for (int i = 0; i < KEYS; i++) {
            String key = "fact-" + i;
            Memory put = store.put(key, "fact " + i + ", round " + round);
            written.add(put);
            // At once, whether HOT holds the copy yet or not: the new version, never the old one.
            Memory got = store.get(key).orElseThrow();
            assertThat(got.version())
                .as("%s read right after its put", key)
                .isEqualTo(put.version());
            assertThat(got.content()).isEqualTo(put.content());
            assertHotHoldsNothingOr(hot, put);
          }
          for (Memory put : written) {
            awaitHotHolds(hot, put);
          }
        }
        // Once the copies are in, reads are HOT hits, of the last version.
        long hotHits = rec.requests(Operation.GET, Tier.HOT, RequestResult.HIT);
        for (Memory put : written) {
          assertThat(store.get(put.key())).map(Memory::version).contains(put.version());
        }
        assertThat(rec.requests(Operation.GET, Tier.HOT, RequestResult.HIT) - hotHits)
            .as("gets served by HOT once the puts' copies are in")
            .isEqualTo(KEYS);
      }
      // Closed, the store made no copy of an older version afterwards.
      for (Memory put : written) {
        assertThat(peekVersion(hot, put.key())).isEqualTo(put.version());
      }
    }
  }

  @Test
  void defaultMode_quickPutsOfOneKey_neverLeaveAnOlderVersionInHot() throws Exception {
    try (RealTiers real = new RealTiers("putcopyseq");
        TierStore hot = real.hot()) {
      RecordingObserver rec = new RecordingObserver();
      List<Memory> last = new ArrayList<>();
      try (TieredMemory store = store(real, rec, ReadMoves.AUTO)) {
        for (int i = 0; i < KEYS; i++) {
          String key = "seq-" + i;
          Memory put = null;
          for (int v = 1; v <= 3; v++) {
            Memory previous = put;
            put = store.put(key, key + " v" + v); // no wait between the puts
            if (previous != null) {
              assertThat(put.version()).isGreaterThan(previous.version());
            }
            assertThat(store.get(key)).map(Memory::content).contains(key + " v" + v);
            assertHotHoldsNothingOr(hot, put);
          }
          last.add(put);
        }
        for (Memory put : last) {
          awaitHotHolds(hot, put);
          assertThat(store.get(put.key())).map(Memory::content).contains(put.key() + " v3");
        }
      }
      // Closed, the store made no copy of an older version afterwards.
      for (Memory put : last) {
        assertThat(peekVersion(hot, put.key())).isEqualTo(put.version());
      }
    }
  }

  @Test
  void caller_hotHoldsThePutsVersionWhenPutReturns() throws Exception {
    try (RealTiers real = new RealTiers("putcopycaller");
        TierStore hot = real.hot()) {
      RecordingObserver rec = new RecordingObserver();
      try (TieredMemory store = store(real, rec, ReadMoves.CALLER)) {
        for (int i = 0; i < KEYS; i++) {
          String key = "now-" + i;
          for (int v = 1; v <= 3; v++) {
            Memory put = store.put(key, key + " v" + v);
            assertThat(peekVersion(hot, key))
                .as("HOT's copy of %s when put v%d returned", key, v)
                .isEqualTo(put.version());
            long hotHits = rec.requests(Operation.GET, Tier.HOT, RequestResult.HIT);
            assertThat(store.get(key)).map(Memory::content).contains(key + " v" + v);
            assertThat(rec.requests(Operation.GET, Tier.HOT, RequestResult.HIT))
                .as("served by HOT")
                .isEqualTo(hotHits + 1);
          }
        }
      }
    }
  }

  /** HOT holds no copy of the put's key, or exactly the put's version: never an older one. */
  private static void assertHotHoldsNothingOr(TierStore hot, Memory put) {
    Long inHot = peekVersion(hot, put.key());
    if (inHot != null) {
      assertThat(inHot)
          .as("version of %s in HOT right after a put", put.key())
          .isEqualTo(put.version());
    }
  }

  /** Waits (at most {@link #WAIT}) for HOT to hold the put's version, then checks it exactly. */
  private static void awaitHotHolds(TierStore hot, Memory put) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Long inHot = peekVersion(hot, put.key());
    while ((inHot == null || inHot != put.version()) && System.nanoTime() < deadline) {
      Thread.sleep(10);
      inHot = peekVersion(hot, put.key());
    }
    assertThat(inHot)
        .as("version of %s in HOT within %s of its put", put.key(), WAIT)
        .isEqualTo(put.version());
    Optional<StoredMemory> copy = Optional.ofNullable(hot.peek(put.key()));
    assertThat(copy).map(c -> c.memory().content()).contains(put.content());
  }

  private static @Nullable Long peekVersion(TierStore hot, String key) {
    StoredMemory copy = hot.peek(key);
    return copy == null ? null : copy.version();
  }
}
