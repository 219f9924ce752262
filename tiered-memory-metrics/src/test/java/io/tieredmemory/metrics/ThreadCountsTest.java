package io.tieredmemory.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The per-thread cells behind the request counters: exact sums, whatever the threads do. */
class ThreadCountsTest {

  @Test
  void manyThreads_incrementingAtOnce_sumToTheExactTotals_whileScrapesRun() throws Exception {
    ThreadCounts counts = new ThreadCounts(5);
    int threads = 8;
    int each = 200_000;
    CountDownLatch go = new CountDownLatch(1);
    AtomicBoolean done = new AtomicBoolean();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int self = t;
      Thread w =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  throw new AssertionError(e);
                }
                for (int i = 0; i < each; i++) {
                  counts.increment(i % 5); // every counter from every thread
                  if (self == 0) {
                    counts.increment(4); // and one thread more often on one counter
                  }
                }
              });
      w.start();
      workers.add(w);
    }
    // A scraper reading while the writers run: its sums never go down.
    List<Long> seen = new ArrayList<>();
    Thread scraper =
        new Thread(
            () -> {
              while (!done.get()) {
                seen.add(counts.sum(4));
              }
            });
    scraper.start();
    go.countDown();
    for (Thread w : workers) {
      w.join();
    }
    done.set(true);
    scraper.join();

    for (int i = 0; i < 4; i++) {
      assertThat(counts.sum(i)).as("counter %d", i).isEqualTo((long) threads * each / 5);
    }
    assertThat(counts.sum(4)).isEqualTo((long) threads * each / 5 + each);
    assertThat(seen).isSorted();
  }

  @Test
  void aPoolsThreads_thatStayAlive_keepTheirCells_andCountExactly() throws Exception {
    ThreadCounts counts = new ThreadCounts(1);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> tasks = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        tasks.add(
            pool.submit(
                () -> {
                  for (int k = 0; k < 100; k++) {
                    counts.increment(0);
                  }
                }));
      }
      for (Future<?> f : tasks) {
        f.get(); // happens-before the read below
      }
      assertThat(counts.sum(0)).isEqualTo(100_000);
      assertThat(counts.threadsHeld()).isBetween(1, 4);
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void threadsThatEnd_areFoldedIntoTheTotals_soTheCellsHeldStayBounded() throws Exception {
    ThreadCounts counts = new ThreadCounts(2);
    for (int i = 0; i < 1_000; i++) {
      Thread t =
          new Thread(
              () -> {
                counts.increment(0);
                counts.increment(1);
                counts.increment(1);
              });
      t.start();
      t.join();
    }
    // Never read during the churn: registration alone folded the threads that ended.
    assertThat(counts.threadsHeld()).isLessThan(128);
    assertThat(counts.sum(0)).isEqualTo(1_000);
    assertThat(counts.sum(1)).isEqualTo(2_000);
    assertThat(counts.threadsHeld()).as("a read folds every thread that ended").isZero();
    counts.increment(0); // this thread's own cell, alive
    assertThat(counts.sum(0)).isEqualTo(1_001);
    assertThat(counts.threadsHeld()).isEqualTo(1);
  }

  @Test
  void badArguments_areRefused_namingTheValue() {
    assertThatThrownBy(() -> new ThreadCounts(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("size")
        .hasMessageContaining("0");
    ThreadCounts counts = new ThreadCounts(3);
    assertThatThrownBy(() -> counts.sum(3))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("was 3");
  }
}
