package io.tieredmemory.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.testkit.RecordingObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Two store instances with the same name share one Redis, one PostgreSQL table and one Chroma
 * collection, as two replicas of a service would, and race writers, readers and sweeps on
 * overlapping keys. Afterwards no memory is lost, none was archived twice, every key reads its last
 * acknowledged value from either instance, and no memory is held in both WARM and COLD.
 */
class MultiInstanceIT {
  private static final int KEYS = 300;
  private static final Duration RUN = Duration.ofSeconds(8);

  /** What was acknowledged for one key; guarded by itself. */
  private static final class KeyState {
    long version;
    String content;
    boolean deleted;
  }

  @Test
  void twoInstances_sharingTheTiers_loseNothingAndNeverArchiveTwice() throws Exception {
    TieringPolicy policy =
        TieringPolicy.custom()
            .promoteAfter(2, Duration.ofSeconds(30))
            .demoteWhenIdle(Duration.ofMillis(200))
            .hotCapacity(20)
            .archiveWhenIdle(Duration.ofMillis(400))
            .sweepBatchSize(25)
            .build();
    try (RealTiers real = new RealTiers("multi")) {
      RecordingObserver recA = new RecordingObserver();
      RecordingObserver recB = new RecordingObserver();
      // The moves reads cause, and the puts' HOT copies, run after the gets and puts returned, as
      // ReadMoves.BACKGROUND makes them, on a pool per instance that the test waits for before it
      // looks into the tiers.
      ThreadPoolExecutor movesA = readMoves();
      ThreadPoolExecutor movesB = readMoves();
      TieredMemory a = instance(real, policy, recA, movesA);
      TieredMemory b = instance(real, policy, recB, movesB);
      TieredMemory[] instances = {a, b};
      KeyState[] states = new KeyState[KEYS];
      for (int i = 0; i < KEYS; i++) {
        states[i] = new KeyState();
      }
      List<String> violations = new CopyOnWriteArrayList<>();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong ops = new AtomicLong();
      ExecutorService pool = Executors.newFixedThreadPool(6);
      List<Future<?>> futures = new ArrayList<>();
      try {
        for (int w = 0; w < 2; w++) {
          int id = w;
          futures.add(
              pool.submit(
                  () -> {
                    Random rnd = new Random(id);
                    int n = 0;
                    while (!stop.get()) {
                      int k = rnd.nextInt(KEYS);
                      TieredMemory via = instances[rnd.nextInt(2)];
                      KeyState s = states[k];
                      synchronized (s) {
                        if (rnd.nextInt(12) == 0) {
                          via.delete(key(k));
                          s.deleted = true;
                          s.version = 0;
                          s.content = null;
                        } else {
                          String content = "writer " + id + " write " + (n++);
                          Memory m = via.put(key(k), content);
                          if (m.version() <= s.version) {
                            violations.add(key(k) + " version went back: " + m.version());
                          }
                          s.version = m.version();
                          s.content = content;
                          s.deleted = false;
                        }
                      }
                      ops.incrementAndGet();
                      Thread.sleep(5 + rnd.nextInt(10));
                    }
                    return null;
                  }));
        }
        for (int r = 0; r < 2; r++) {
          int id = r;
          futures.add(
              pool.submit(
                  () -> {
                    Random rnd = new Random(50 + id);
                    while (!stop.get()) {
                      int k = rnd.nextInt(KEYS);
                      long before;
                      synchronized (states[k]) {
                        before = states[k].version;
                      }
                      Optional<Memory> got = instances[rnd.nextInt(2)].get(key(k));
                      if (got.isPresent() && got.get().version() < before) {
                        violations.add(
                            key(k) + " stale read " + got.get().version() + " < " + before);
                      }
                      ops.incrementAndGet();
                      Thread.sleep(2 + rnd.nextInt(6));
                    }
                    return null;
                  }));
        }
        for (TieredMemory inst : instances) {
          futures.add(
              pool.submit(
                  () -> {
                    while (!stop.get()) {
                      inst.sweep();
                      Thread.sleep(50);
                    }
                    return null;
                  }));
        }
        Thread.sleep(RUN.toMillis());
        stop.set(true);
        for (Future<?> f : futures) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        stop.set(true);
        pool.shutdownNow();
        pool.awaitTermination(30, TimeUnit.SECONDS);
      }
      // A rehydration still under way holds the memory in WARM and in COLD for a moment, and one
      // made after the counts below would escape them: every move the race's reads asked for is
      // made before the tiers and the events are looked at (later reads' moves are not made).
      for (ThreadPoolExecutor moves : List.of(movesA, movesB)) {
        moves.shutdown();
        assertThat(moves.awaitTermination(60, TimeUnit.SECONDS))
            .as("the moves the race's reads caused, made within 60 s of its end")
            .isTrue();
      }
      a.sweep();
      b.sweep();

      assertThat(violations).isEmpty();
      assertThat(ops.get()).as("the race did real work").isGreaterThan(500);
      // No copy was archived twice: a (key, version) is archived again only after it came back
      // from COLD (a rehydration of that same version) in between.
      Map<String, Integer> archives = new HashMap<>();
      Map<String, Integer> rehydrations = new HashMap<>();
      for (RecordingObserver rec : List.of(recA, recB)) {
        for (TierEvent e : rec.events()) {
          if (e instanceof TierEvent.Moved m && m.to() == Tier.COLD) {
            archives.merge(m.key() + "@" + m.version(), 1, Integer::sum);
          } else if (e instanceof TierEvent.Moved m && m.from() == Tier.COLD) {
            rehydrations.merge(m.key() + "@" + m.version(), 1, Integer::sum);
          }
        }
      }
      assertThat(archives).as("archives happened").isNotEmpty();
      List<String> archivedTwice = new ArrayList<>();
      archives.forEach(
          (copy, n) -> {
            if (n > rehydrations.getOrDefault(copy, 0) + 1) {
              archivedTwice.add(
                  copy + " archived " + n + "x, rehydrated " + rehydrations.get(copy) + "x");
            }
          });
      assertThat(archivedTwice).as("copies archived twice").isEmpty();
      assertThat(recA.events("archived") + recB.events("archived")).isPositive();
      assertThat(recA.events("rehydrated") + recB.events("rehydrated")).isPositive();
      assertThat(recA.events("promoted") + recB.events("promoted")).isPositive();
      assertThat(recA.events("demoted") + recB.events("demoted")).isPositive();

      // The same table and collection, looked into directly.
      try (TierStore warm = real.warm();
          TierStore cold = real.cold()) {
        for (int i = 0; i < KEYS; i++) {
          StoredMemory w = warm.peek(key(i));
          StoredMemory c = cold.peek(key(i));
          assertThat(w != null && c != null)
              .as("%s in both WARM (%s) and COLD (%s)", key(i), w, c)
              .isFalse();
        }
      }
      for (int i = 0; i < KEYS; i++) {
        KeyState s = states[i];
        for (TieredMemory inst : instances) {
          Optional<Memory> got = inst.get(key(i));
          if (s.deleted || s.version == 0) {
            assertThat(got).as("deleted %s came back via %s", key(i), inst).isEmpty();
          } else {
            assertThat(got).as("last value of %s via %s", key(i), inst).isPresent();
            assertThat(got.get().version()).isEqualTo(s.version);
            assertThat(got.get().content()).isEqualTo(s.content);
          }
        }
      }
      a.close();
      b.close();
    }
  }

  private static ThreadPoolExecutor readMoves() {
    return new ThreadPoolExecutor(
        2,
        2,
        0,
        TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(),
        r -> {
          Thread t = new Thread(r, "multi-instance-moves");
          t.setDaemon(true);
          return t;
        });
  }

  private static TieredMemory instance(
      RealTiers real, TieringPolicy policy, RecordingObserver rec, Executor readMoves) {
    return TieredMemory.builder("shared")
        .policy(policy)
        .readMoves(readMoves)
        .discoverObservers(false)
        .hot(real.hot())
        .warm(real.warm())
        .cold(real.cold())
        .coordinator(real.coordinator())
        .observer(rec)
        .build();
  }

  private static String key(int i) {
    return "shared-key-" + i;
  }
}
