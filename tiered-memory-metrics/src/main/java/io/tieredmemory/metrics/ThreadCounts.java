package io.tieredmemory.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * A fixed set of counters incremented on the request path without any shared write: each thread
 * counts into cells of its own (found through a {@link ThreadLocal}, created on its first count),
 * with a plain store (no lock prefix, no compare-and-set, no fence) since it is their only writer.
 * A read sums the cells of every thread, so it is meant for scrapes, not for the request path.
 *
 * <p><b>Exact.</b> No increment is ever lost: a cell has one writer. A read sees every increment
 * that happened-before it (a thread joined, a request answered before the scrape was asked), and
 * possibly some of those racing with it, as any counter read while it is being incremented; once
 * the writers are quiet, the sum is the exact number of increments.
 *
 * <p><b>Threads that end.</b> The cells of a thread that has ended are folded into one array of
 * totals (its increments are all visible then: a thread's end happens-before {@link
 * Thread#isAlive()} returning false) and forgotten, at each read and whenever the number of threads
 * with cells has doubled since the last fold, so the cells held stay proportional to the threads
 * alive, whatever the churn, even when nothing ever reads.
 *
 * <p><b>False sharing.</b> Each thread's cells are padded by {@value #PAD} longs on both sides, so
 * two threads' cells never share a cache line (or an adjacent-line prefetch pair), wherever the
 * garbage collector moves them.
 */
final class ThreadCounts {
  /** Longs of padding before and after a thread's cells: 128 bytes each side. */
  static final int PAD = 16;

  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

  private final int size;
  private final ThreadLocal<Cells> local = ThreadLocal.withInitial(this::register);
  private final Object lock = new Object();
  private final List<Cells> live = new ArrayList<>(); // guarded by lock
  private final long[] ended; // guarded by lock: the counts of threads that ended
  private int foldAt = 64; // guarded by lock: fold when live reaches this size

  /** One thread's cells, written by that thread only. */
  private static final class Cells {
    final Thread owner;
    final long[] counts;

    Cells(Thread owner, int size) {
      this.owner = owner;
      this.counts = new long[PAD + size + PAD];
    }
  }

  /** {@code size} counters, all zero. */
  ThreadCounts(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("size must be at least 1, was " + size);
    }
    this.size = size;
    this.ended = new long[size];
  }

  /** The number of counters. */
  int size() {
    return size;
  }

  /**
   * Adds one to counter {@code index} (0 to {@link #size()} - 1): a thread-local lookup, a plain
   * load and an opaque store (a plain store on x86 and ARM), nothing allocated after the calling
   * thread's first count.
   */
  void increment(int index) {
    long[] c = local.get().counts;
    int i = PAD + index;
    LONGS.setOpaque(c, i, c[i] + 1); // the owner is the only writer: its plain load is current
  }

  /** The sum of counter {@code index} over every thread, those that ended included. */
  long sum(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("index must be in [0, " + size + "), was " + index);
    }
    int i = PAD + index;
    synchronized (lock) {
      foldEnded();
      long total = ended[index];
      for (Cells c : live) {
        total += (long) LONGS.getOpaque(c.counts, i);
      }
      return total;
    }
  }

  /** The number of threads whose cells are held now (for tests of the folding). */
  int threadsHeld() {
    synchronized (lock) {
      return live.size();
    }
  }

  private Cells register() {
    Cells c = new Cells(Thread.currentThread(), size);
    synchronized (lock) {
      live.add(c);
      if (live.size() >= foldAt) {
        foldEnded();
        foldAt = Math.max(64, 2 * live.size());
      }
    }
    return c;
  }

  /** Folds the cells of the threads that ended into {@link #ended}; caller holds the lock. */
  private void foldEnded() {
    for (int k = live.size() - 1; k >= 0; k--) {
      Cells c = live.get(k);
      if (!c.owner.isAlive()) {
        for (int j = 0; j < size; j++) {
          ended[j] += c.counts[PAD + j];
        }
        int last = live.size() - 1;
        live.set(k, live.get(last));
        live.remove(last);
      }
    }
  }
}
