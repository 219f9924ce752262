package io.tieredmemory.core;

import io.tieredmemory.core.internal.Validation;
import io.tieredmemory.core.spi.RequestCounts;
import io.tieredmemory.core.spi.TierObserver;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The store's request counts ({@link RequestCounts}) and the draw that picks which gets are timed,
 * both kept in cells of the calling thread's own, so that an untimed in-process HOT hit finds
 * everything it writes with one {@link ThreadLocal} lookup and writes no shared cache line.
 *
 * <p><b>Counting.</b> A thread's cells hold one count per (operation, tier or none, result),
 * written with a plain load and an opaque store (a plain store on x86 and ARM; no lock prefix, no
 * compare-and-set) since the thread is their only writer. {@link #count} sums the cells of every
 * thread. No increment is lost; a read sees every increment that happened-before it, and possibly
 * some racing with it.
 *
 * <p><b>Threads that end.</b> The cells of a thread that ended are folded into one array of totals
 * (its increments are all visible then: a thread's end happens-before {@link Thread#isAlive()}
 * returning false) and forgotten, at each read and whenever the number of threads with cells has
 * doubled since the last fold, so the cells held stay proportional to the threads alive, whatever
 * the churn, even when nothing reads.
 *
 * <p><b>The draw.</b> A get is timed with probability {@code 1/n} ({@link #sampleOneIn}), each get
 * independently of the others, as a fresh random draw per get would decide; instead of drawing per
 * get, the thread's cells hold how many gets remain until its next timed one, a geometric variable
 * of mean {@code n} drawn after each timed get (the gaps between successes of independent draws
 * have exactly that law). An untimed get then costs a decrement.
 *
 * <p><b>False sharing.</b> Each thread's cells are padded by {@value #PAD} longs on both sides, so
 * two threads' cells never share a cache line (or an adjacent-line prefetch pair), wherever the
 * garbage collector moves them.
 */
final class RequestTally implements RequestCounts {
  /** Longs of padding before and after a thread's cells: 128 bytes each side. */
  static final int PAD = 16;

  private static final int TIERS_AND_NONE = Tier.values().length + 1;
  private static final int RESULTS = RequestResult.values().length;

  /** The number of counts: every (operation, tier or none, result), possible or not. */
  static final int SIZE = Operation.values().length * TIERS_AND_NONE * RESULTS;

  /** The cell holding how many gets remain until this thread's next timed one (1: the next). */
  private static final int UNTIL_TIMED = PAD + SIZE;

  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

  private final ThreadLocal<Cells> local = ThreadLocal.withInitial(this::register);
  private final Object lock = new Object();
  private final List<Cells> live = new ArrayList<>(); // guarded by lock
  private final long[] ended = new long[SIZE]; // guarded by lock: the counts of threads that ended
  private int foldAt = 64; // guarded by lock: fold when live reaches this size
  // log(1 - 1/n) for a draw of one in n, n >= 2; set by sampleOneIn before the store is returned.
  private double logMissChance = Math.log1p(-1.0 / TierObserver.DEFAULT_TIMING_SAMPLE);

  /** One thread's cells, written by that thread only. */
  private static final class Cells {
    final Thread owner;
    final long[] cells;

    Cells(Thread owner, long[] cells) {
      this.owner = owner;
      this.cells = cells;
    }
  }

  /**
   * Times one get in {@code n} (at least 2; a store that times every get does not draw): called
   * once, when the store is built, before any get.
   */
  void sampleOneIn(int n) {
    Validation.requireAtLeast("n", n, 2);
    this.logMissChance = Math.log1p(-1.0 / n);
  }

  /** The calling thread's cells (created on its first request): one thread-local lookup. */
  long[] cells() {
    return local.get().cells;
  }

  /** The cell of a request's outcome, for {@link #count(long[], int)}. */
  static int index(Operation operation, @Nullable Tier tier, RequestResult result) {
    int t = tier == null ? TIERS_AND_NONE - 1 : tier.ordinal();
    return PAD + (operation.ordinal() * TIERS_AND_NONE + t) * RESULTS + result.ordinal();
  }

  /** Adds one to cell {@code index} of the calling thread's {@code cells}. */
  static void count(long[] cells, int index) {
    LONGS.setOpaque(cells, index, cells[index] + 1); // the only writer: its plain load is current
  }

  /**
   * Whether to time this get, on the calling thread's {@code cells}: true with probability {@code
   * 1/n}, independently of every other get.
   */
  boolean draw(long[] cells) {
    long left = cells[UNTIL_TIMED] - 1;
    if (left > 0) {
      cells[UNTIL_TIMED] = left;
      return false;
    }
    cells[UNTIL_TIMED] = gap();
    return true;
  }

  /**
   * Gets until the next timed one, the one timed included: {@code k} with probability {@code (1 -
   * 1/n)^(k-1) / n}, by inversion of a uniform draw in (0, 1].
   */
  private long gap() {
    double u = 1.0 - ThreadLocalRandom.current().nextDouble();
    double k = Math.floor(Math.log(u) / logMissChance);
    return 1 + (long) Math.min(k, 1e15);
  }

  @Override
  public long count(Operation operation, @Nullable Tier tier, RequestResult result) {
    Validation.requireNonNull("operation", operation);
    Validation.requireNonNull("result", result);
    int i = index(operation, tier, result);
    synchronized (lock) {
      foldEnded();
      long total = ended[i - PAD];
      for (Cells c : live) {
        total += (long) LONGS.getOpaque(c.cells, i);
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
    long[] cells = new long[PAD + SIZE + 1 + PAD];
    cells[UNTIL_TIMED] = gap();
    Cells c = new Cells(Thread.currentThread(), cells);
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
        for (int j = 0; j < SIZE; j++) {
          ended[j] += c.cells[PAD + j];
        }
        int last = live.size() - 1;
        live.set(k, live.get(last));
        live.remove(last);
      }
    }
  }

  @Override
  public String toString() {
    return "RequestCounts";
  }
}
