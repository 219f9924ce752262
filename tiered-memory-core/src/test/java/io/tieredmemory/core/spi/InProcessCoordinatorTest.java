package io.tieredmemory.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link KeyCoordinator#inProcess()}: one lock per key, nobody waits for a key it did not ask. */
class InProcessCoordinatorTest {
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stop() throws InterruptedException {
    threads.shutdownNow();
    threads.awaitTermination(10, TimeUnit.SECONDS);
  }

  @Test
  void lock_heldKey_blocksAnotherThreadUntilReleased() throws Exception {
    KeyCoordinator c = KeyCoordinator.inProcess();
    KeyCoordinator.Lease held = c.lock("a");
    Future<?> waiter = threads.submit(() -> c.lock("a").close());
    assertThatThrownBy(() -> waiter.get(200, TimeUnit.MILLISECONDS))
        .isInstanceOf(TimeoutException.class);
    held.close();
    waiter.get(5, TimeUnit.SECONDS);
  }

  @Test
  void lock_otherKeys_neverWaitForAHeldKey() throws Exception {
    // Striped locks made unrelated keys wait for a batch holding ~40% of the stripes.
    KeyCoordinator c = KeyCoordinator.inProcess();
    List<String> batch = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      batch.add("held-" + i);
    }
    try (KeyCoordinator.Lease held = c.lockAll(batch)) {
      threads
          .submit(
              () -> {
                for (int i = 0; i < 2_000; i++) {
                  c.lock("other-" + i).close();
                }
                return null;
              })
          .get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void lock_sameKeyTwiceInOneThread_failsInsteadOfDeadlocking() {
    KeyCoordinator c = KeyCoordinator.inProcess();
    try (KeyCoordinator.Lease held = c.lock("a")) {
      assertThatThrownBy(() -> c.lock("a"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("'a'")
          .hasMessageContaining("not reentrant");
    }
    c.lock("a").close(); // the failed attempt left nothing behind
    assertThat(((InProcessCoordinator) c).inUse()).isZero();
  }

  @Test
  void lock_releasedKeys_leaveNoEntryBehind() throws Exception {
    InProcessCoordinator c = (InProcessCoordinator) KeyCoordinator.inProcess();
    CountDownLatch waiting = new CountDownLatch(1);
    KeyCoordinator.Lease held = c.lock("k");
    Future<?> waiter =
        threads.submit(
            () -> {
              waiting.countDown();
              c.lock("k").close();
            });
    waiting.await();
    held.close();
    waiter.get(5, TimeUnit.SECONDS);
    assertThat(c.inUse()).isZero();
  }

  @Test
  void inProcess_eachCallIsItsOwnLockTable() throws Exception {
    KeyCoordinator one = KeyCoordinator.inProcess();
    KeyCoordinator other = KeyCoordinator.inProcess();
    assertThat(one.spansProcesses()).isFalse();
    try (KeyCoordinator.Lease held = one.lock("k")) {
      threads.submit(() -> other.lock("k").close()).get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void batchesAndSingleKeys_racingOnFewKeys_excludeEachOtherAndNeverDeadlock() throws Exception {
    KeyCoordinator c = KeyCoordinator.inProcess();
    AtomicInteger[] holders = new AtomicInteger[20];
    for (int i = 0; i < holders.length; i++) {
      holders[i] = new AtomicInteger();
    }
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong done = new AtomicLong();
    AtomicLong overlaps = new AtomicLong();
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      int id = t;
      workers.add(
          threads.submit(
              () -> {
                Random rnd = new Random(id);
                while (!stop.get()) {
                  Collection<Integer> keys = new ArrayList<>();
                  int n = id % 2 == 0 ? 1 + rnd.nextInt(6) : 1;
                  for (int i = 0; i < n; i++) {
                    keys.add(rnd.nextInt(holders.length));
                  }
                  List<String> names = new ArrayList<>();
                  keys.forEach(k -> names.add("k" + k));
                  try (KeyCoordinator.Lease lease =
                      n == 1 ? c.lock(names.get(0)) : c.lockAll(names)) {
                    for (int k : new java.util.TreeSet<>(keys)) {
                      if (holders[k].incrementAndGet() != 1) {
                        overlaps.incrementAndGet();
                      }
                    }
                    Thread.yield();
                    for (int k : new java.util.TreeSet<>(keys)) {
                      holders[k].decrementAndGet();
                    }
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
    assertThat(overlaps.get()).as("two holders of one key at once").isZero();
    assertThat(done.get()).isGreaterThan(100);
  }
}
