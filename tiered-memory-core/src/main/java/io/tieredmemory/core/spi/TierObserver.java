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
 * <p>Every method has a no-op default. The hooks take only primitives and enums (the start hooks
 * also the key and the exception thrown, {@link #recalled} its source label, all already at hand)
 * and are called synchronously, so an implementation that records into pre-registered meters
 * allocates nothing; events are built only when some observer wants them. Nothing is ever called
 * while a key's lock is held. An observer that throws is logged and otherwise ignored: it never
 * breaks a read or a write.
 *
 * <p><b>Starts.</b> An observer that {@linkplain #wantsStarts() wants starts} (read once, when the
 * store is built) is also told when a request, a movement or a sweep begins, so that it can open a
 * span with the right start time and the caller's current span as parent (this is how {@code
 * TieredMemoryObservations} in {@code tiered-memory-metrics} makes Micrometer {@code
 * Observation}s). When no observer wants starts, the store does no more than one boolean check per
 * request: no start hook is called and nothing is allocated. The contract, for such an observer:
 *
 * <ul>
 *   <li>Every {@link #requestStarted} is followed by exactly one {@link #requestCompleted} of the
 *       same operation, <b>on the same thread</b>, also when the request throws (then {@link
 *       #requestFailed} with the exception the caller gets comes just before it, and the result is
 *       {@link RequestResult#ERROR ERROR}). Nothing is started for an argument rejected before any
 *       tier is asked (a blank key, a closed store). Between the two, the only hooks called on that
 *       thread are {@link #backendCallCompleted} and {@link #onEvent} (a {@code BackendFailed}
 *       event), {@link #putStored} (a put, just before its completion), {@link #searchCompleted} (a
 *       search, just before its completion) and {@link #recalled} with its {@code Recalled} event
 *       (a search or a get naming its source, just before its completion).
 *   <li>Completions close starts in last-in, first-out order on a thread. {@code getAll} starts one
 *       request per distinct key, in the caller's order, and completes them in reverse order; a
 *       {@code putAll} is a sequence of puts, each started and completed in turn.
 *   <li>Every {@link #movementStarted} is followed by exactly one {@link #movementEnded} with the
 *       same tiers and reason, on the same thread, after the key's lock is released, also when the
 *       move throws or moves nothing. The {@link #movementCompleted} calls of the memories it moved
 *       come between the two. Moves a read causes (promotion, rehydration) start after that read's
 *       {@link #requestCompleted}; moves of a sweep start and end inside it.
 *   <li>Every {@link #sweepStarted} is followed by exactly one {@link #sweepCompleted} on the same
 *       thread, also when the sweep throws.
 *   <li>Start hooks, like every hook, are never called while a key's lock is held; one that throws
 *       is logged and ignored, and its completion is still called.
 *   <li>An observer that wants starts also {@linkplain #wantsUntimedGets() wants untimed gets}: the
 *       build refuses one that does not, since it would see starts without their completions.
 * </ul>
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
   *     the request was not timed: on a store whose HOT tier is in process, a {@code get} is timed
   *     with probability 1 in {@link #timingSample()} (the smallest of its observers'), whatever
   *     tier then serves it, because two clock reads would cost more than an in-process hit; every
   *     other request is timed. An observer that does not {@linkplain #wantsUntimedGets() want
   *     untimed gets} is called only with a duration, and counts requests through {@link
   *     #requestCounts}
   */
  default void requestCompleted(
      Operation operation, @Nullable Tier tier, RequestResult result, long durationNanos) {}

  /** A call to a remote tier backend finished (in-process tiers are not timed separately). */
  default void backendCallCompleted(
      Tier tier, BackendOperation operation, boolean success, long durationNanos) {}

  /**
   * A memory moved (or was copied, for promotions) from one tier to another. The store calls {@link
   * #movementCompleted(Tier, Tier, MoveReason, String, long)}, whose default calls this one: an
   * observer that does not care about kinds overrides this.
   */
  default void movementCompleted(Tier from, Tier to, MoveReason reason, long durationNanos) {}

  /**
   * A memory of kind {@code kind} moved (or was copied, for promotions) from one tier to another:
   * the hook the store calls for every move. The default calls {@link #movementCompleted(Tier,
   * Tier, MoveReason, long)}, so an observer overrides one of the two, not both.
   *
   * @param kind the memory's kind label when the store has {@linkplain TieredMemory.Builder#kinds
   *     kinds} configured: one of its capped set (an admitted kind, {@code none} or {@code other}),
   *     the same String instance for every move of that kind, so a lookup by it allocates nothing;
   *     {@code null} when the store has no kinds
   */
  default void movementCompleted(
      Tier from, Tier to, MoveReason reason, @Nullable String kind, long durationNanos) {
    movementCompleted(from, to, reason, durationNanos);
  }

  /** A copy that WARM does not point to (stale or left by an interrupted move) was removed. */
  default void evicted(Tier tier, MoveReason reason) {}

  /** A sweep finished; {@code success} is false if any of its steps failed. */
  default void sweepCompleted(boolean success, long durationNanos) {}

  /**
   * A sweep planned one of its steps: {@code moves} memories are due for {@code reason} now, the
   * total {@link io.tieredmemory.core.TieredMemory#plan(int)} gives for that reason at this instant
   * (at most the policy's {@code maxMovesPerSweep} per step), which the sweep then sets out to
   * make. Called on the sweep's thread once its moves are planned and before any of them is made,
   * once per reason whose step was planned: {@link MoveReason#HOT_IDLE}, {@link
   * MoveReason#HOT_CAPACITY}, {@link MoveReason#WARM_IDLE} and {@link MoveReason#STALE_COPY} (HOT
   * copies the sweep removes rather than moves), 0 when nothing is due. A step the sweep skips
   * (backing off after a failure) or whose planning failed is not reported.
   *
   * @param reason why the memories would move
   * @param moves how many are due for that reason, 0 or more
   */
  default void sweepPlanned(MoveReason reason, int moves) {}

  /**
   * A search finished with {@code hits} results; {@code topSimilarity} is the best result's cosine
   * similarity, or {@code NaN} when there were none. Called just before the search's {@link
   * #requestCompleted}, on the same thread.
   */
  default void searchCompleted(int hits, double topSimilarity) {}

  /**
   * A recall finished: a search (every one), or a read by key that named its source ({@code
   * TieredMemory.get(key, source)}, how the chat memory adapters load a conversation). Gives how
   * many results each tier served; for a search called just after {@link #searchCompleted}, for
   * both just before the request's {@link #requestCompleted}, on the same thread. A request that
   * fails recalls nothing and calls no {@code recalled}. The {@code Recalled} event, for observers
   * that want events, follows with the keys.
   *
   * @param source who recalled, a label checked by {@link io.tieredmemory.core.RecallSource#check}
   *     (a constant of the caller's: no allocation); metrics must tag it through {@link
   *     io.tieredmemory.core.RecallSource#metricLabel}, which caps the values
   * @param hot results HOT served
   * @param warm results WARM served
   * @param cold results COLD served
   */
  default void recalled(String source, int hot, int warm, int cold) {}

  /**
   * One in how many {@code get}s this observer needs timed on a store whose HOT tier is in process
   * (read once, when the store is built), or 0 for no preference (the default). Such a store times
   * each {@code get} with probability {@code 1/N}, {@code N} the smallest positive value its
   * observers return ({@value #DEFAULT_TIMING_SAMPLE} if none states one), drawn at random on the
   * calling thread (no shared state, no clock read when not drawn) and whatever tier then serves
   * it: the timed gets are an unbiased sample of all gets, so their quantiles and mean estimate
   * those of every get, while their number is about {@code 1/N} of them. The others reach {@link
   * #requestCompleted} with {@code durationNanos == -1}: count requests there, not durations. Every
   * other request, every {@code get} of a store whose HOT tier is remote, every {@code getAll} (one
   * timing for the batch, each key its share) and every recall ({@code get(key, source)}, whose
   * {@code Recalled} event carries its duration) is timed.
   *
   * @return 0 (no preference), or at least 1 ({@code 1}: time every get)
   */
  default int timingSample() {
    return 0;
  }

  /** One get in this many is timed when no observer states a {@link #timingSample()}. */
  int DEFAULT_TIMING_SAMPLE = 16;

  /**
   * Whether this observer wants {@link #requestCompleted} for a {@code get} the store did not time
   * ({@code durationNanos == -1}, see {@link #timingSample()}): read once, when the store is built;
   * true by default, so an observer sees every request unless it says otherwise.
   *
   * <p>Return false when the observer only needs durations from {@link #requestCompleted}, or
   * ignores requests. The store then counts every request itself and gives the observer those
   * counts through {@link #requestCounts} before {@link #attached}. On a store whose HOT tier is in
   * process, a get that is not timed is then, for this observer, nothing: when no observer wants
   * untimed gets, such a get costs the store one thread-local lookup and an increment on the
   * calling thread, and calls no observer (the Micrometer binding works this way: its request
   * counters read the store's counts at each scrape).
   *
   * <p>An observer that {@linkplain #wantsStarts() wants starts} must want untimed gets, since each
   * {@link #requestStarted} is followed by its {@link #requestCompleted}: the build refuses one
   * that does not.
   */
  default boolean wantsUntimedGets() {
    return true;
  }

  /**
   * The store's counts of every request it completes, from its build on: called once, before {@link
   * #attached}, on an observer that does not {@linkplain #wantsUntimedGets() want untimed gets}
   * (the same counts for every such observer of the store). Keep them to read later, e.g. at a
   * scrape; reading sums every thread's cells, so do not read them per request. An exception here
   * fails the build, as one from {@link #attached} does.
   */
  default void requestCounts(RequestCounts counts) {}

  /**
   * Whether this observer wants {@link #onEvent}: read once, when the store is built. Events are
   * only built when some observer wants them.
   */
  default boolean wantsEvents() {
    return false;
  }

  /** Something the store did, with its key and reason (only if {@link #wantsEvents()}). */
  default void onEvent(TierEvent event) {}

  /**
   * Whether this observer wants the start hooks ({@link #requestStarted}, {@link #requestFailed},
   * {@link #putStored}, {@link #movementStarted}, {@link #movementEnded}, {@link #sweepStarted}):
   * read once, when the store is built. See the class comment for their contract. When no attached
   * observer wants them, the store calls none of them and pays one boolean check per request.
   */
  default boolean wantsStarts() {
    return false;
  }

  /**
   * A request began, on the calling thread, after its arguments were checked and before any tier
   * was asked (only if {@link #wantsStarts()}). Its {@link #requestCompleted} follows on the same
   * thread.
   *
   * @param operation what is asked
   * @param key the memory's key for {@code get}, {@code put} and {@code delete}; {@code null} for
   *     {@code search}
   */
  default void requestStarted(Operation operation, @Nullable String key) {}

  /**
   * The request started last on this thread is about to complete with {@link RequestResult#ERROR}
   * and throw {@code error} to its caller (only if {@link #wantsStarts()}).
   */
  default void requestFailed(Operation operation, Throwable error) {}

  /**
   * The put started last on this thread stored its version and is about to complete (only if {@link
   * #wantsStarts()}). {@code created} is true when WARM held no earlier version of the key (nor an
   * archive mark of one): told apart without another backend call, from the creation time WARM kept
   * ({@link TierStore#upsert} keeps an existing memory's). An earlier version created at the very
   * same instant of the store's clock reads as a creation.
   */
  default void putStored(boolean created) {}

  /**
   * A move began on the calling thread, before its key's lock is taken (only if {@link
   * #wantsStarts()}). Its {@link #movementEnded} follows on the same thread.
   *
   * @param key the memory's key, or {@code null} for a batch (archives move a sweep batch at a
   *     time)
   */
  default void movementStarted(Tier from, Tier to, MoveReason reason, @Nullable String key) {}

  /**
   * The move started last on this thread ended, its locks released (only if {@link
   * #wantsStarts()}).
   *
   * @param moved how many memories it moved: 0 when nothing was left to move (the memory changed or
   *     moved meanwhile) or it failed, 1 for a single move, up to a batch for archives
   * @param error what the move threw (and is thrown on to the sweep or the read that asked for it),
   *     or {@code null}
   */
  default void movementEnded(
      Tier from, Tier to, MoveReason reason, int moved, @Nullable Throwable error) {}

  /**
   * A sweep began on the calling thread (only if {@link #wantsStarts()}); its {@link
   * #sweepCompleted} follows on the same thread.
   */
  default void sweepStarted() {}
}
