package io.tieredmemory.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.tieredmemory.core.Operation;
import io.tieredmemory.core.RequestResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.internal.Validation;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.spi.TierObserver;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * Every {@code get}, {@code put}, {@code delete} and {@code search} of a store, every move between
 * its tiers and every sweep as a Micrometer {@link Observation}: with Micrometer Tracing (e.g. its
 * OpenTelemetry bridge) on the registry, each becomes a span, child of the caller's current span,
 * named and attributed after OpenTelemetry's GenAI memory conventions ({@link
 * TieredMemoryObservationDocumentation}). No Spring needed:
 *
 * <pre>{@code
 * ObservationRegistry registry = ObservationRegistry.create();
 * registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
 * TieredMemory store = TieredMemory.builder("agent")
 *     .observer(TieredMemoryObservations.of(registry))
 *     .build();
 * }</pre>
 *
 * <p>One instance per store (it takes the store's name when attached). It uses the store's start
 * hooks ({@link TierObserver#wantsStarts()}): each observation starts when the request, move or
 * sweep starts and is stopped, exactly once, when it completes, with the caller's thread-local
 * context, so spans have their true timing and parent. Whether it wants them is decided when the
 * store is built: a registry that is a no-op then ({@link ObservationRegistry#NOOP}, or one with no
 * handler yet) costs the store nothing at all, and is not observed later. Register the handlers
 * before building the store (Spring configures its registry before the beans that use it).
 *
 * <p>The memory's key ({@code gen_ai.memory.record.id}) is recorded only when {@link
 * Builder#recordIds(boolean)} opts in; keys, ids and content never become low-cardinality key
 * values (meter tags).
 */
public final class TieredMemoryObservations implements TierObserver {
  private static final System.Logger LOG =
      System.getLogger(TieredMemoryObservations.class.getName());

  private final ObservationRegistry registry;
  private final boolean recordIds;
  private final @Nullable TieredMemoryRequestConvention requestConvention;
  private final @Nullable TieredMemoryMovementConvention movementConvention;
  private final @Nullable TieredMemorySweepConvention sweepConvention;
  // The observations this store started on each thread and has yet to stop: completions close
  // starts last in, first out (TierObserver's contract).
  private final ThreadLocal<ArrayDeque<Open>> open = ThreadLocal.withInitial(ArrayDeque::new);
  private volatile @Nullable String storeName;

  private TieredMemoryObservations(Builder b) {
    this.registry = b.registry;
    this.recordIds = b.recordIds;
    this.requestConvention = b.requestConvention;
    this.movementConvention = b.movementConvention;
    this.sweepConvention = b.sweepConvention;
  }

  /** Observations in {@code registry}, with the default conventions and no record ids. */
  public static TieredMemoryObservations of(ObservationRegistry registry) {
    return builder(registry).build();
  }

  /** Observations in {@code registry}, with options. */
  public static Builder builder(ObservationRegistry registry) {
    return new Builder(Validation.requireNonNull("registry", registry));
  }

  /** Options of {@link TieredMemoryObservations}. */
  public static final class Builder {
    private final ObservationRegistry registry;
    private boolean recordIds;
    private @Nullable TieredMemoryRequestConvention requestConvention;
    private @Nullable TieredMemoryMovementConvention movementConvention;
    private @Nullable TieredMemorySweepConvention sweepConvention;

    private Builder(ObservationRegistry registry) {
      this.registry = registry;
    }

    /**
     * Whether spans carry the memory's key as {@code gen_ai.memory.record.id} (a high-cardinality
     * key value: spans only, never meter tags). Off by default: a key may name a user or hold
     * personal data.
     */
    public Builder recordIds(boolean recordIds) {
      this.recordIds = recordIds;
      return this;
    }

    /**
     * A convention used instead of the registry's global one and of {@link
     * DefaultTieredMemoryRequestConvention} for requests.
     */
    public Builder requestConvention(TieredMemoryRequestConvention convention) {
      this.requestConvention = Validation.requireNonNull("convention", convention);
      return this;
    }

    /** As {@link #requestConvention}, for movements. */
    public Builder movementConvention(TieredMemoryMovementConvention convention) {
      this.movementConvention = Validation.requireNonNull("convention", convention);
      return this;
    }

    /** As {@link #requestConvention}, for sweeps. */
    public Builder sweepConvention(TieredMemorySweepConvention convention) {
      this.sweepConvention = Validation.requireNonNull("convention", convention);
      return this;
    }

    public TieredMemoryObservations build() {
      return new TieredMemoryObservations(this);
    }
  }

  /** Whether record ids are recorded. */
  public boolean recordIds() {
    return recordIds;
  }

  /** One started observation and the scope it opened on this thread. */
  private record Open(Observation observation, Observation.Scope scope, Observation.Context ctx) {}

  /**
   * False when the registry is a no-op at the time the store is built: the store then calls no
   * start hook and this observer costs nothing.
   */
  @Override
  public boolean wantsStarts() {
    return !registry.isNoop();
  }

  @Override
  public void attached(TieredMemory store) {
    String name = store.name();
    synchronized (this) {
      String was = storeName;
      if (was != null) {
        throw new IllegalStateException(
            "TieredMemoryObservations is already attached to store '"
                + was
                + "'; create one per store (TieredMemoryObservations.of(registry))");
      }
      storeName = name;
    }
  }

  /** The store closed: this instance may observe another store. */
  @Override
  public void detached(TieredMemory store) {
    open.remove();
    synchronized (this) {
      if (store.name().equals(storeName)) {
        storeName = null;
      }
    }
  }

  private String store() {
    String s = storeName;
    return s != null ? s : "unknown";
  }

  // Requests

  @Override
  public void requestStarted(Operation operation, @Nullable String key) {
    TieredMemoryRequestContext ctx =
        new TieredMemoryRequestContext(store(), operation, recordIds ? key : null);
    push(
        TieredMemoryObservationDocumentation.REQUEST.observation(
            requestConvention, DefaultTieredMemoryRequestConvention.INSTANCE, () -> ctx, registry),
        ctx);
  }

  @Override
  public void requestFailed(Operation operation, Throwable error) {
    Open o = peek(TieredMemoryRequestContext.class);
    if (o != null) {
      o.observation.error(error);
    }
  }

  @Override
  public void putStored(boolean created) {
    Open o = peek(TieredMemoryRequestContext.class);
    if (o != null) {
      ((TieredMemoryRequestContext) o.ctx).created(created);
    }
  }

  @Override
  public void searchCompleted(int hits, double topSimilarity) {
    Open o = peek(TieredMemoryRequestContext.class);
    if (o != null && ((TieredMemoryRequestContext) o.ctx).operation() == Operation.SEARCH) {
      ((TieredMemoryRequestContext) o.ctx).hits(hits);
    }
  }

  @Override
  public void requestCompleted(
      Operation operation, @Nullable Tier tier, RequestResult result, long durationNanos) {
    Open o = pop(TieredMemoryRequestContext.class);
    if (o != null) {
      ((TieredMemoryRequestContext) o.ctx).completed(tier, result);
      stop(o);
    }
  }

  // Movements

  @Override
  public void movementStarted(Tier from, Tier to, MoveReason reason, @Nullable String key) {
    TieredMemoryMovementContext ctx =
        new TieredMemoryMovementContext(store(), from, to, reason, recordIds ? key : null);
    push(
        TieredMemoryObservationDocumentation.MOVEMENT.observation(
            movementConvention,
            DefaultTieredMemoryMovementConvention.INSTANCE,
            () -> ctx,
            registry),
        ctx);
  }

  @Override
  public void movementEnded(
      Tier from, Tier to, MoveReason reason, int moved, @Nullable Throwable error) {
    Open o = pop(TieredMemoryMovementContext.class);
    if (o != null) {
      ((TieredMemoryMovementContext) o.ctx).moved(moved);
      if (error != null) {
        o.observation.error(error);
      }
      stop(o);
    }
  }

  // Sweeps

  @Override
  public void sweepStarted() {
    TieredMemorySweepContext ctx = new TieredMemorySweepContext(store());
    push(
        TieredMemoryObservationDocumentation.SWEEP.observation(
            sweepConvention, DefaultTieredMemorySweepConvention.INSTANCE, () -> ctx, registry),
        ctx);
  }

  @Override
  public void sweepCompleted(boolean success, long durationNanos) {
    Open o = pop(TieredMemorySweepContext.class);
    if (o != null) {
      ((TieredMemorySweepContext) o.ctx).completed(success);
      stop(o);
    }
  }

  // The stack

  private void push(Observation observation, Observation.Context ctx) {
    observation.start();
    Observation.Scope scope;
    try {
      scope = observation.openScope();
    } catch (RuntimeException e) {
      observation.error(e).stop();
      throw e;
    }
    open.get().push(new Open(observation, scope, ctx));
  }

  private @Nullable Open peek(Class<? extends Observation.Context> kind) {
    Open o = open.get().peek();
    return o != null && kind.isInstance(o.ctx) ? o : null;
  }

  /**
   * The observation started last on this thread, if it is of {@code kind}; else null (a start that
   * failed, and so pushed nothing): the stack is left alone rather than closing another's.
   */
  private @Nullable Open pop(Class<? extends Observation.Context> kind) {
    ArrayDeque<Open> stack = open.get();
    Open o = stack.peek();
    if (o == null || !kind.isInstance(o.ctx)) {
      if (o != null) {
        LOG.log(
            System.Logger.Level.DEBUG,
            () -> "completion of a " + kind.getSimpleName() + " while a " + o.ctx + " is open");
      }
      return null;
    }
    return stack.pop();
  }

  private static void stop(Open o) {
    try {
      o.scope.close();
    } finally {
      o.observation.stop();
    }
  }

  @Override
  public String toString() {
    return "TieredMemoryObservations[" + store() + ", recordIds=" + recordIds + "]";
  }
}
