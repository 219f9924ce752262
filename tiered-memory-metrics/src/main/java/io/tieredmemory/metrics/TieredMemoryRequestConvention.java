package io.tieredmemory.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The names and key values of a tiered store's request observations. Implement it (or extend {@link
 * DefaultTieredMemoryRequestConvention}) and pass it to {@link
 * TieredMemoryObservations.Builder#requestConvention}, or register it as a global convention of the
 * {@code ObservationRegistry}.
 */
public interface TieredMemoryRequestConvention
    extends ObservationConvention<TieredMemoryRequestContext> {
  @Override
  default boolean supportsContext(Observation.Context context) {
    return context instanceof TieredMemoryRequestContext;
  }
}
