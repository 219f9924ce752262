package io.tieredmemory.core.spi;

import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.event.TierEventListener;

/**
 * Creates a {@link TierEventListener} for each store; found with {@link java.util.ServiceLoader}
 * like {@link TierObserverFactory}. If the listener is {@link AutoCloseable}, the store closes it
 * on {@link TieredMemory#close()}.
 */
@FunctionalInterface
public interface TierEventListenerFactory {
  /** The listener for {@code store}, or {@code null} to opt out. */
  TierEventListener create(TieredMemory store);
}
