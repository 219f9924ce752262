package io.tieredmemory.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tieredmemory.core.spi.KeyCoordinator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Batch locks: they exclude single-key lockers of their keys and never deadlock with them. */
class KeyLocksTest {
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stop() throws InterruptedException {
    threads.shutdownNow();
    threads.awaitTermination(10, TimeUnit.SECONDS);
  }

  @Test
  void exclusiveAll_blocksASingleKeyLockerOfOneOfItsKeys_untilClosed() throws Exception {
    KeyLocks locks = new KeyLocks(64, KeyCoordinator.inProcess());
    KeyLocks.HeldAll held = locks.exclusiveAll(List.of("a", "b", "c"));
    Future<?> put =
        threads.submit(
            () -> {
              locks.local("b").close();
              return null;
            });
    assertThatThrownBy(() -> put.get(200, TimeUnit.MILLISECONDS))
        .isInstanceOf(TimeoutException.class);
    held.close();
    put.get(5, TimeUnit.SECONDS);
  }

  @Test
  void exclusiveAll_coordinatorFails_releasesTheLocalStripes() throws Exception {
    KeyCoordinator failing =
        new KeyCoordinator() {
          @Override
          public Lease lock(String key) {
            throw new IllegalStateException("coordinator down");
          }
        };
    KeyLocks locks = new KeyLocks(64, failing);
    assertThatThrownBy(() -> locks.exclusiveAll(List.of("a", "b"))).hasMessage("coordinator down");
    threads
        .submit(
            () -> {
              locks.local("a").close();
              locks.local("b").close();
              return null;
            })
        .get(5, TimeUnit.SECONDS);
  }

  @Test
  void batchesAndSingleKeyLockers_racingOnFewStripes_neverDeadlock() throws Exception {
    // A coordinator with real per-key locks, as a shared one would have, ordered as lockAll says.
    KeyCoordinator perKey =
        new KeyCoordinator() {
          private final ConcurrentHashMap<String, ReentrantLock> held = new ConcurrentHashMap<>();

          @Override
          public Lease lock(String key) {
            ReentrantLock l = held.computeIfAbsent(key, k -> new ReentrantLock());
            l.lock();
            return l::unlock;
          }
        };
    KeyLocks locks = new KeyLocks(8, perKey);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong done = new AtomicLong();
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      int id = t;
      workers.add(
          threads.submit(
              () -> {
                Random rnd = new Random(id);
                while (!stop.get()) {
                  if (id % 2 == 0) {
                    Collection<String> keys = new ArrayList<>();
                    for (int i = 0; i < 1 + rnd.nextInt(6); i++) {
                      keys.add("k" + rnd.nextInt(20));
                    }
                    locks.exclusiveAll(keys).close();
                  } else {
                    locks.exclusive("k" + rnd.nextInt(20)).close();
                  }
                  done.incrementAndGet();
                }
                return null;
              }));
    }
    Thread.sleep(500);
    stop.set(true);
    for (Future<?> f : workers) {
      f.get(10, TimeUnit.SECONDS);
    }
    assertThat(done.get()).isGreaterThan(100);
  }
}
