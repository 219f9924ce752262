package io.tieredmemory.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The names and key values of a tiered store's movement observations. Implement it (or extend
 * {@link DefaultTieredMemoryMovementConvention}) and pass it to {@link
 * TieredMemoryObservations.Builder#movementConvention}, or register it as a global convention of
 * the {@code ObservationRegistry}.
 */
public interface TieredMemoryMovementConvention
    extends ObservationConvention<TieredMemoryMovementContext> {
  @Override
  default boolean supportsContext(Observation.Context context) {
    return context instanceof TieredMemoryMovementContext;
  }
}
