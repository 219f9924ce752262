package io.tieredmemory.spring.autoconfigure;

import io.tieredmemory.core.TieredMemory;

/**
 * Changes the builder of the auto-configured store after the properties are applied: a bean of this
 * type sets backends, a clock, limits, observers... Applied in {@code @Order}.
 */
@FunctionalInterface
public interface TieredMemoryBuilderCustomizer {
  /** Customizes {@code builder}. */
  void customize(TieredMemory.Builder builder);
}
