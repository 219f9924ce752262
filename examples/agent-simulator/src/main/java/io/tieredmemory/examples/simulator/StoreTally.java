package io.tieredmemory.examples.simulator;

import io.tieredmemory.core.Operation;
import io.tieredmemory.core.RequestResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.spi.TierObserver;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what the store reports about itself: movements through its events (rather than the
 * observer's {@code movementCompleted}, because events carry the key and the decision's detail, so
 * the latest one can be shown), request outcomes through its observer hooks (which report the tier
 * that served each read).
 *
 * <p>The store calls both from the agent's thread and from its background sweeper, so every counter
 * is thread-safe. Events are kept as they are and rendered only when a report asks, to keep the
 * store's calling threads fast.
 */
final class StoreTally implements TierObserver {
  private final LongAdder promoted = new LongAdder();
  private final LongAdder demoted = new LongAdder();
  private final LongAdder archived = new LongAdder();
  private final LongAdder rehydrated = new LongAdder();
  private final LongAdder evicted = new LongAdder();
  private final LongAdder sweeps = new LongAdder();
  private final LongAdder[] hits = {new LongAdder(), new LongAdder(), new LongAdder()};
  private final LongAdder misses = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final AtomicReference<TierEvent.Moved> lastMovement = new AtomicReference<>();
  private final AtomicReference<String> lastError = new AtomicReference<>();

  @Override
  public boolean wantsEvents() {
    return true;
  }

  @Override
  public void onEvent(TierEvent event) {
    if (event instanceof TierEvent.Moved moved) {
      lastMovement.set(moved);
      switch (moved.kind()) {
        case "promoted" -> promoted.increment();
        case "demoted" -> demoted.increment();
        case "archived" -> archived.increment();
        case "rehydrated" -> rehydrated.increment();
        default -> {}
      }
    } else if (event instanceof TierEvent.Evicted) {
      evicted.increment();
    } else if (event instanceof TierEvent.SweepCompleted) {
      sweeps.increment();
    } else if (event instanceof TierEvent.BackendFailed failure) {
      errors.increment();
      lastError.set(
          failure.tier().label()
              + " "
              + failure.operation()
              + " failed: "
              + failure.errorType()
              + ": "
              + failure.message());
    }
  }

  @Override
  public void requestCompleted(
      Operation operation, Tier tier, RequestResult result, long durationNanos) {
    // Only gets say which tier served a memory; a search's "tier" is that of its top result.
    if (operation != Operation.GET) {
      return;
    }
    if (result == RequestResult.HIT && tier != null) {
      hits[tier.ordinal()].increment();
    } else if (result == RequestResult.MISS) {
      misses.increment();
    }
    // ERROR results are counted where the exception surfaces: in the agent, which caught it.
  }

  @Override
  public void sweepCompleted(boolean success, long durationNanos) {
    if (!success) {
      errors.increment();
      lastError.set("a sweep step failed (see the store's log)");
    }
  }

  /** Movements so far. */
  SimulationTotals.MovementCounts movements() {
    return new SimulationTotals.MovementCounts(
        promoted.sum(),
        demoted.sum(),
        archived.sum(),
        rehydrated.sum(),
        evicted.sum(),
        sweeps.sum());
  }

  /** Get outcomes so far. */
  SimulationTotals.HitCounts hits() {
    return new SimulationTotals.HitCounts(
        hits[Tier.HOT.ordinal()].sum(),
        hits[Tier.WARM.ordinal()].sum(),
        hits[Tier.COLD.ordinal()].sum(),
        misses.sum());
  }

  /** Backend failures and failed sweeps so far. */
  long errors() {
    return errors.sum();
  }

  /** The latest error, if any. */
  Optional<String> lastError() {
    return Optional.ofNullable(lastError.get());
  }

  /** The latest movement, e.g. {@code promoted warm->hot "2 reads in 5s" (key mem:fact:12)}. */
  Optional<String> lastMovement() {
    TierEvent.Moved m = lastMovement.get();
    if (m == null) {
      return Optional.empty();
    }
    return Optional.of(
        m.kind()
            + " "
            + m.from().label()
            + "->"
            + m.to().label()
            + " \""
            + m.detail()
            + "\" (key "
            + m.key()
            + ")");
  }
}
