package io.tieredmemory.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The names and key values of a tiered store's sweep observations. Implement it (or extend {@link
 * DefaultTieredMemorySweepConvention}) and pass it to {@link
 * TieredMemoryObservations.Builder#sweepConvention}, or register it as a global convention of the
 * {@code ObservationRegistry}.
 */
public interface TieredMemorySweepConvention
    extends ObservationConvention<TieredMemorySweepContext> {
  @Override
  default boolean supportsContext(Observation.Context context) {
    return context instanceof TieredMemorySweepContext;
  }
}
