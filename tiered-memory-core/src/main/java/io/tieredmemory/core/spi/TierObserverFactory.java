package io.tieredmemory.core.spi;

import io.tieredmemory.core.TieredMemory;

/**
 * Creates a {@link TierObserver} for each store. Implementations listed in {@code
 * META-INF/services/io.tieredmemory.core.spi.TierObserverFactory} are found with {@link
 * java.util.ServiceLoader} and attached to every store built with auto-discovery on (the default),
 * which is how adding {@code tiered-memory-metrics} to the classpath is enough to get metrics.
 *
 * <p>The store passed in is fully built; an observer may keep it to read {@link
 * TieredMemory#stats()} in the background. If the observer is {@link AutoCloseable}, the store
 * closes it on {@link TieredMemory#close()}.
 */
@FunctionalInterface
public interface TierObserverFactory {
  /** The observer for {@code store}, or {@link TierObserver#NOOP} to opt out. */
  TierObserver create(TieredMemory store);
}
