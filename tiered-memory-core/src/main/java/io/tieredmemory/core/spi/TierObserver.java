package io.tieredmemory.core.spi;

import io.tieredmemory.core.BackendOperation;
import io.tieredmemory.core.Operation;
import io.tieredmemory.core.RequestResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.policy.MoveReason;

/**
 * Hooks called on every request, backend call, movement, sweep and search of a store: the
 * instrumentation point metrics bind to. Every method has a no-op default, takes only primitives
 * and enums, and is called synchronously, so an implementation that records into pre-registered
 * meters allocates nothing.
 *
 * <p>An observer that throws is logged and otherwise ignored; it never breaks a read or a write.
 *
 * <pre>{@code
 * TierObserver hits = new TierObserver() {
 *   final LongAdder hot = new LongAdder();
 *   public void requestCompleted(Operation op, Tier tier, RequestResult r, long nanos) {
 *     if (tier == Tier.HOT && r == RequestResult.HIT) hot.increment();
 *   }
 * };
 * }</pre>
 */
public interface TierObserver {

  /** An observer that does nothing; the store uses it when none is attached. */
  TierObserver NOOP = new TierObserver() {};

  /**
   * A request finished.
   *
   * @param operation what was asked
   * @param tier the tier that served it (a {@code get} hit, the top {@code search} result), or
   *     {@code null} when none did (misses, puts, deletes, errors). Reported before any promotion
   *     that the read causes.
   * @param result how it ended
   * @param durationNanos time from the call to the result (promotion excluded), or {@code -1} when
   *     the request was not timed: HOT hits on an in-process tier are timed one in 16 (two clock
   *     reads would cost more than the hit), every other request is timed
   */
  default void requestCompleted(
      Operation operation, Tier tier, RequestResult result, long durationNanos) {}

  /** A call to a remote tier backend finished (in-process tiers are not timed separately). */
  default void backendCallCompleted(
      Tier tier, BackendOperation operation, boolean success, long durationNanos) {}

  /** A memory moved (or was copied, for promotions) from one tier to another. */
  default void movementCompleted(Tier from, Tier to, MoveReason reason, long durationNanos) {}

  /** A stale copy was dropped from a tier. */
  default void evicted(Tier tier, MoveReason reason) {}

  /** A sweep finished; {@code success} is false if any of its steps failed. */
  default void sweepCompleted(boolean success, long durationNanos) {}

  /**
   * A search finished with {@code hits} results; {@code topSimilarity} is the best result's cosine
   * similarity, or {@code NaN} when there were none.
   */
  default void searchCompleted(int hits, double topSimilarity) {}
}
