package io.tieredmemory.benchmarks;

import io.tieredmemory.core.BackendOperation;
import io.tieredmemory.core.Operation;
import io.tieredmemory.core.RequestResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.spi.TierObserver;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@code put}'s time goes, for {@link LoadVsRaw}'s report: per put, its calls to the tiers
 * made on the putting thread (HOT's removal, WARM's write, anything else) and the rest (waiting for
 * the key's lock, the library's own work, a GC pause). Calls made on other threads (a put's HOT
 * copy made after it returned, the sweep's moves) are not a put's. Compares the slowest 1% of puts
 * with the middle ones: what the p99 is made of.
 */
final class PutPhases implements TierObserver {
  /** One put: [0] total, [1] HOT remove, [2] WARM write, [3] other tier calls, in ns. */
  private final ThreadLocal<long @Nullable []> current = new ThreadLocal<>();

  private final List<long[]> puts = new ArrayList<>(); // guarded by itself

  @Override
  public boolean wantsStarts() {
    return true;
  }

  @Override
  public void requestStarted(Operation operation, @Nullable String key) {
    current.set(operation == Operation.PUT ? new long[4] : null);
  }

  @Override
  public void backendCallCompleted(
      Tier tier, BackendOperation operation, boolean success, long durationNanos) {
    long[] p = current.get();
    if (p == null) {
      return;
    }
    if (tier == Tier.HOT && operation == BackendOperation.REMOVE) {
      p[1] += durationNanos;
    } else if (tier == Tier.WARM && operation == BackendOperation.WRITE) {
      p[2] += durationNanos;
    } else {
      p[3] += durationNanos;
    }
  }

  @Override
  public void requestCompleted(
      Operation operation, @Nullable Tier tier, RequestResult result, long durationNanos) {
    long[] p = current.get();
    current.remove();
    if (operation != Operation.PUT || p == null || durationNanos < 0) {
      return;
    }
    p[0] = durationNanos;
    synchronized (puts) {
      puts.add(p);
    }
  }

  /** The report's paragraph; empty before any put. */
  String describe() {
    List<long[]> all;
    synchronized (puts) {
      all = new ArrayList<>(puts);
    }
    if (all.size() < 100) {
      return "";
    }
    all.sort(Comparator.comparingLong(p -> p[0]));
    int n = all.size();
    List<long[]> slowest = all.subList(n - n / 100, n);
    List<long[]> middle = all.subList(n * 45 / 100, n * 55 / 100);
    return String.format(
        Locale.ROOT,
        "Where a put's time goes (on the putting thread, warm-up included; ms, mean of the group):"
            + " middle 10%% of %d puts: %s; slowest 1%%: %s.%n%n",
        n,
        means(middle),
        means(slowest));
  }

  private static String means(List<long[]> group) {
    double[] sum = new double[4];
    for (long[] p : group) {
      for (int i = 0; i < 4; i++) {
        sum[i] += p[i];
      }
    }
    double k = group.size() * 1e6;
    double rest = sum[0] - sum[1] - sum[2] - sum[3];
    return String.format(
        Locale.ROOT,
        "total %.2f = HOT remove %.2f + WARM write %.2f + other tier calls %.2f + the rest (lock"
            + " wait, library, GC) %.2f",
        sum[0] / k,
        sum[1] / k,
        sum[2] / k,
        sum[3] / k,
        rest / k);
  }
}
