package io.tieredmemory.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.StoredMemory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Writers, readers and sweeps race on a small set of keys with policies short enough that memories
 * move between all three tiers constantly. Afterwards every key holds its last acknowledged value,
 * no deleted key comes back, no read ever returned a version older than one already acknowledged,
 * and no memory is held in both WARM and COLD.
 */
class ConcurrencyTest {
  private static final int KEYS = 40;
  private static final int WRITERS = 3;
  private static final int READERS = 2;
  private static final Duration RUN = Duration.ofSeconds(3);

  /** What the test knows was acknowledged for one key; guarded by itself. */
  private static final class KeyState {
    long version; // 0: never written or deleted
    String content;
    boolean deleted;
    final Map<Long, String> contentByVersion = new ConcurrentHashMap<>();
  }

  @Test
  void putGetDeleteAndSweeps_racingOnOverlappingKeys_keepEveryPromise() throws Exception {
    TieringPolicy policy =
        TieringPolicy.custom()
            .promoteAfter(2, Duration.ofSeconds(10))
            .demoteWhenIdle(Duration.ofMillis(2))
            .hotCapacity(10)
            .archiveWhenIdle(Duration.ofMillis(4))
            .sweepBatchSize(7)
            .build();
    KeyState[] states = new KeyState[KEYS];
    for (int i = 0; i < KEYS; i++) {
      states[i] = new KeyState();
    }
    List<String> violations = new CopyOnWriteArrayList<>();
    AtomicLong ops = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    RecordingObserver rec = new RecordingObserver();
    LocalTiers tiers = new LocalTiers();

    try (TieredMemory store =
        tiers
            .on(TieredMemory.builder("race"))
            .clock(Clock.systemUTC())
            .policy(policy)
            .discoverObservers(false)
            .observer(rec)
            .build()) {
      ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS + 1);
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int id = w;
        futures.add(
            pool.submit(
                () -> {
                  Random rnd = new Random(id);
                  int n = 0;
                  while (!stop.get()) {
                    int k = rnd.nextInt(KEYS);
                    KeyState s = states[k];
                    synchronized (s) {
                      if (rnd.nextInt(10) == 0) {
                        store.delete(key(k));
                        s.version = 0;
                        s.content = null;
                        s.deleted = true;
                      } else {
                        String content = "w" + id + "-" + (n++);
                        Memory m = store.put(key(k), content);
                        if (m.version() <= s.version) {
                          violations.add(
                              "put of "
                                  + key(k)
                                  + " got version "
                                  + m.version()
                                  + " <= "
                                  + s.version);
                        }
                        s.version = m.version();
                        s.content = content;
                        s.deleted = false;
                        s.contentByVersion.put(m.version(), content);
                      }
                    }
                    ops.incrementAndGet();
                  }
                  return null;
                }));
      }
      for (int r = 0; r < READERS; r++) {
        int id = r;
        futures.add(
            pool.submit(
                () -> {
                  Random rnd = new Random(100 + id);
                  while (!stop.get()) {
                    int k = rnd.nextInt(KEYS);
                    KeyState s = states[k];
                    long before;
                    synchronized (s) {
                      before = s.version;
                    }
                    Optional<Memory> got = store.get(key(k));
                    if (got.isPresent()) {
                      Memory m = got.get();
                      if (m.version() < before) {
                        violations.add(
                            "stale read of " + key(k) + ": " + m.version() + " < " + before);
                      }
                      String expected = s.contentByVersion.get(m.version());
                      if (expected == null) {
                        // A put is visible before its writer records the acknowledgement.
                        synchronized (s) {
                          expected = s.contentByVersion.get(m.version());
                        }
                      }
                      if (!m.content().equals(expected)) {
                        violations.add(
                            "read of "
                                + key(k)
                                + " v"
                                + m.version()
                                + " returned content "
                                + m.content()
                                + ", acknowledged "
                                + expected);
                      }
                    }
                    if (rnd.nextInt(20) == 0) {
                      store.search("w1", 3);
                    }
                    ops.incrementAndGet();
                  }
                  return null;
                }));
      }
      futures.add(
          pool.submit(
              () -> {
                while (!stop.get()) {
                  store.sweep();
                  Thread.sleep(1);
                }
                return null;
              }));

      Thread.sleep(RUN.toMillis());
      stop.set(true);
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

      store.sweep();

      assertThat(violations).isEmpty();
      for (int i = 0; i < KEYS; i++) {
        StoredMemory warm = tiers.warm.peek(key(i));
        StoredMemory cold = tiers.cold.peek(key(i));
        StoredMemory hot = tiers.hot.peek(key(i));
        assertThat(warm != null && cold != null)
            .as("%s held in both WARM (%s) and COLD (%s)", key(i), warm, cold)
            .isFalse();
        if (hot != null && warm != null) {
          assertThat(hot.version()).as("HOT copy of %s", key(i)).isEqualTo(warm.version());
        }
      }
      for (int i = 0; i < KEYS; i++) {
        KeyState s = states[i];
        Optional<Memory> got = store.get(key(i));
        if (s.deleted || s.version == 0) {
          assertThat(got).as("deleted %s came back", key(i)).isEmpty();
        } else {
          assertThat(got).as("last acknowledged value of %s", key(i)).isPresent();
          assertThat(got.get().version()).isEqualTo(s.version);
          assertThat(got.get().content()).isEqualTo(s.content);
        }
      }
      assertThat(ops.get()).as("the race did real work").isGreaterThan(1000);
      for (String move :
          List.of(
              "move warm->hot read_frequency",
              "move hot->warm hot_idle",
              "move warm->cold warm_idle",
              "move cold->warm cold_read")) {
        assertThat(rec.count(move))
            .as("%s happened during the race: %s", move, rec.snapshot())
            .isPositive();
      }
      assertThat(store.stats().tier(Tier.COLD).items() + store.stats().tier(Tier.WARM).items())
          .isGreaterThan(0);
    }
  }

  private static String key(int i) {
    return "key-" + i;
  }
}
