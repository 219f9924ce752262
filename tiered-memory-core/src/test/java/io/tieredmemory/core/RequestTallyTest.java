package io.tieredmemory.core;

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

/**
 * The per-thread cells behind a store's request counts: exact sums, whatever the threads do; and
 * the draw of timed gets kept in them: one in n, each get independently.
 */
class RequestTallyTest {
  private static final Operation[] OPS = {
    Operation.GET, Operation.PUT, Operation.DELETE, Operation.SEARCH, Operation.GET
  };
  private static final Tier[] TIERS = {Tier.HOT, Tier.WARM, Tier.WARM, null, null};
  private static final RequestResult[] RESULTS = {
    RequestResult.HIT,
    RequestResult.SUCCESS,
    RequestResult.SUCCESS,
    RequestResult.ERROR,
    RequestResult.MISS
  };

  /** Counts outcome {@code i} (0 to 4, five distinct outcomes) on the calling thread. */
  private static void increment(RequestTally tally, int i) {
    RequestTally.count(tally.cells(), RequestTally.index(OPS[i], TIERS[i], RESULTS[i]));
  }

  private static long sum(RequestTally tally, int i) {
    return tally.count(OPS[i], TIERS[i], RESULTS[i]);
  }

  @Test
  void manyThreads_incrementingAtOnce_sumToTheExactTotals_whileScrapesRun() throws Exception {
    RequestTally counts = new RequestTally();
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
                  increment(counts, i % 5); // every counter from every thread
                  if (self == 0) {
                    increment(counts, 4); // and one thread more often on one counter
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
                seen.add(sum(counts, 4));
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
      assertThat(sum(counts, i)).as("counter %d", i).isEqualTo((long) threads * each / 5);
    }
    assertThat(sum(counts, 4)).isEqualTo((long) threads * each / 5 + each);
    assertThat(seen).isSorted();
  }

  @Test
  void aPoolsThreads_thatStayAlive_keepTheirCells_andCountExactly() throws Exception {
    RequestTally counts = new RequestTally();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> tasks = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        tasks.add(
            pool.submit(
                () -> {
                  for (int k = 0; k < 100; k++) {
                    increment(counts, 0);
                  }
                }));
      }
      for (Future<?> f : tasks) {
        f.get(); // happens-before the read below
      }
      assertThat(sum(counts, 0)).isEqualTo(100_000);
      assertThat(counts.threadsHeld()).isBetween(1, 4);
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void threadsThatEnd_areFoldedIntoTheTotals_soTheCellsHeldStayBounded() throws Exception {
    RequestTally counts = new RequestTally();
    for (int i = 0; i < 1_000; i++) {
      Thread t =
          new Thread(
              () -> {
                increment(counts, 0);
                increment(counts, 1);
                increment(counts, 1);
              });
      t.start();
      t.join();
    }
    // Never read during the churn: registration alone folded the threads that ended.
    assertThat(counts.threadsHeld()).isLessThan(128);
    assertThat(sum(counts, 0)).isEqualTo(1_000);
    assertThat(sum(counts, 1)).isEqualTo(2_000);
    assertThat(counts.threadsHeld()).as("a read folds every thread that ended").isZero();
    increment(counts, 0); // this thread's own cell, alive
    assertThat(sum(counts, 0)).isEqualTo(1_001);
    assertThat(counts.threadsHeld()).isEqualTo(1);
  }

  @Test
  void combinationsThatAreNotCounted_readZero_andNullArgumentsAreRefused_namingTheField() {
    RequestTally counts = new RequestTally();
    increment(counts, 0);
    assertThat(counts.count(Operation.GET, Tier.HOT, RequestResult.HIT)).isEqualTo(1);
    assertThat(counts.count(Operation.GET, Tier.WARM, RequestResult.HIT)).isZero();
    assertThat(counts.count(Operation.PUT, Tier.HOT, RequestResult.HIT)).isZero();
    assertThatThrownBy(() -> counts.count(null, Tier.HOT, RequestResult.HIT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("operation");
    assertThatThrownBy(() -> counts.count(Operation.GET, Tier.HOT, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("result");
    assertThatThrownBy(() -> counts.sampleOneIn(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("n")
        .hasMessageContaining("1");
  }

  /**
   * One get in n is timed, and each independently: the gets right after a timed one are timed one
   * in n too (a countdown that timed every n-th get would never time two in a row, and a workload
   * whose period matches n would see only one kind of get timed). Bounds are 6 standard deviations
   * wide: a correct draw fails them about once in 10^8 runs.
   */
  @Test
  void theDraw_timesOneGetInN_eachIndependently() {
    RequestTally tally = new RequestTally();
    int n = 64;
    tally.sampleOneIn(n);
    long[] cells = tally.cells();
    int draws = 2_000_000;
    long timed = 0;
    long afterTimed = 0;
    long timedAfterTimed = 0;
    boolean last = false;
    for (int i = 0; i < draws; i++) {
      boolean t = tally.draw(cells);
      if (last) {
        afterTimed++;
        if (t) {
          timedAfterTimed++;
        }
      }
      if (t) {
        timed++;
      }
      last = t;
    }
    double p = 1.0 / n;
    double sd = Math.sqrt(draws * p * (1 - p));
    assertThat((double) timed).isBetween(draws * p - 6 * sd, draws * p + 6 * sd);
    double sdAfter = Math.sqrt(afterTimed * p * (1 - p));
    assertThat((double) timedAfterTimed)
        .as("timed right after a timed get, of %d", afterTimed)
        .isBetween(afterTimed * p - 6 * sdAfter, afterTimed * p + 6 * sdAfter);
  }

  @Test
  void eachThread_drawsOnItsOwn_fromItsFirstGet() throws Exception {
    // A new thread's first get is timed one in n as well, not always (nor never): its cells start
    // with a drawn countdown.
    RequestTally tally = new RequestTally();
    tally.sampleOneIn(4);
    int threads = 4_000;
    int[] firstTimed = new int[1];
    for (int i = 0; i < threads; i++) {
      Thread t =
          new Thread(
              () -> {
                if (tally.draw(tally.cells())) {
                  synchronized (firstTimed) {
                    firstTimed[0]++;
                  }
                }
              });
      t.start();
      t.join();
    }
    double p = 0.25;
    double sd = Math.sqrt(threads * p * (1 - p));
    assertThat((double) firstTimed[0]).isBetween(threads * p - 6 * sd, threads * p + 6 * sd);
  }
}
