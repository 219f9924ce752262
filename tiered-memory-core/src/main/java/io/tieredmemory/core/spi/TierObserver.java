package io.tieredmemory.core.spi;

import io.tieredmemory.core.BackendOperation;
import io.tieredmemory.core.Operation;
import io.tieredmemory.core.RequestResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.internal.Validation;
import io.tieredmemory.core.policy.MoveReason;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The one way to watch a store: hooks called on every request, backend call, movement, sweep and
 * search, and, for an observer that {@linkplain #wantsEvents() wants them}, every {@link TierEvent}
 * with its key and reason. The instrumentation point metrics bind to.
 *
 * <p>Every method has a no-op default. The hooks take only primitives and enums and are called
 * synchronously, so an implementation that records into pre-registered meters allocates nothing;
 * events are built only when some observer wants them. Nothing is ever called while a key's lock is
 * held. An observer that throws is logged and otherwise ignored: it never breaks a read or a write.
 *
 * <p>Attach one explicitly ({@code TieredMemory.Builder.observer}), or let {@link
 * java.util.ServiceLoader} find a {@link Provider} on the classpath (how adding {@code
 * tiered-memory-metrics} is enough to get metrics). The store calls {@link #attached} once it is
 * built, before any other call, and {@link #detached} when it closes.
 *
 * <pre>{@code
 * TierObserver hits = new TierObserver() {
 *   final LongAdder hot = new LongAdder();
 *   public void requestCompleted(Operation op, Tier tier, RequestResult r, long nanos) {
 *     if (tier == Tier.HOT && r == RequestResult.HIT) hot.increment();
 *   }
 * };
 * TieredMemory store = TieredMemory.builder("agent")
 *     .observer(hits)
 *     .observer(TierObserver.events(event -> log.info(event.toString())))
 *     .build();
 * }</pre>
 */
public interface TierObserver {

  /** An observer that does nothing. */
  TierObserver NOOP = new TierObserver() {};

  /**
   * An observer that only wants events, e.g. {@code TierObserver.events(queue::offer)}.
   *
   * @throws IllegalArgumentException if {@code consumer} is null
   */
  static TierObserver events(Consumer<TierEvent> consumer) {
    Validation.requireNonNull("consumer", consumer);
    return new TierObserver() {
      @Override
      public boolean wantsEvents() {
        return true;
      }

      @Override
      public void onEvent(TierEvent event) {
        consumer.accept(event);
      }

      @Override
      public String toString() {
        return "TierObserver.events(" + consumer + ")";
      }
    };
  }

  /**
   * Creates the observer of each store built with observer discovery on (the default). Listed in
   * {@code META-INF/services/io.tieredmemory.core.spi.TierObserver$Provider}, found with {@link
   * java.util.ServiceLoader}. A discovered observer is left out when the builder was given one of
   * the same class explicitly.
   */
  @FunctionalInterface
  interface Provider {
    /**
     * The observer for the store named {@code storeName}, or {@link #NOOP} (or {@code null}) to opt
     * out.
     */
    @Nullable TierObserver observerFor(String storeName);
  }

  /**
   * The store was built and this observer attached to it, before any other call. An observer may
   * keep the store, e.g. to read {@link TieredMemory#stats()} in the background. An exception here
   * fails the build.
   */
  default void attached(TieredMemory store) {}

  /** The store closed; release what {@link #attached} took for it. */
  default void detached(TieredMemory store) {}

  /**
   * A request finished.
   *
   * @param operation what was asked
   * @param tier the tier that served it (a {@code get} hit, the top {@code search} result), {@code
   *     WARM} for a successful put or delete (where it took effect), or {@code null} when none did
   *     (misses, errors). Reported before any promotion that the read causes.
   * @param result how it ended
   * @param durationNanos time from the call to the result (promotion excluded), or {@code -1} when
   *     the request was not timed: HOT hits on an in-process tier are timed one in 16 (two clock
   *     reads would cost more than the hit), every other request is timed
   */
  default void requestCompleted(
      Operation operation, @Nullable Tier tier, RequestResult result, long durationNanos) {}

  /** A call to a remote tier backend finished (in-process tiers are not timed separately). */
  default void backendCallCompleted(
      Tier tier, BackendOperation operation, boolean success, long durationNanos) {}

  /** A memory moved (or was copied, for promotions) from one tier to another. */
  default void movementCompleted(Tier from, Tier to, MoveReason reason, long durationNanos) {}

  /** A copy that WARM does not point to (stale or left by an interrupted move) was removed. */
  default void evicted(Tier tier, MoveReason reason) {}

  /** A sweep finished; {@code success} is false if any of its steps failed. */
  default void sweepCompleted(boolean success, long durationNanos) {}

  /**
   * A search finished with {@code hits} results; {@code topSimilarity} is the best result's cosine
   * similarity, or {@code NaN} when there were none.
   */
  default void searchCompleted(int hits, double topSimilarity) {}

  /**
   * Whether this observer wants {@link #onEvent}: read once, when the store is built. Events are
   * only built when some observer wants them.
   */
  default boolean wantsEvents() {
    return false;
  }

  /** Something the store did, with its key and reason (only if {@link #wantsEvents()}). */
  default void onEvent(TierEvent event) {}
}
