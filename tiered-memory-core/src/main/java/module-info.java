/**
 * The tiered store: its API ({@code io.tieredmemory.core}), events, in-process tiers, policies and
 * the SPI backends implement. No runtime dependencies.
 *
 * <p>{@code io.tieredmemory.core.internal} (argument checks, duration arithmetic) is shared with
 * this project's own backends and metrics only; it is not API and may change in any release. Its
 * qualified export names modules built after core, so javac's {@code module} lint ("module not
 * found") is turned off in this module's pom.
 */
module io.tieredmemory.core {
  // Nullness annotations (@NullMarked, @Nullable): needed to compile, not at run time.
  requires static transitive org.jspecify;

  exports io.tieredmemory.core;
  exports io.tieredmemory.core.event;
  exports io.tieredmemory.core.local;
  exports io.tieredmemory.core.policy;
  exports io.tieredmemory.core.spi;
  exports io.tieredmemory.core.internal to
      io.tieredmemory.redis,
      io.tieredmemory.postgres,
      io.tieredmemory.chroma,
      io.tieredmemory.metrics;

  // TieredMemory.builder() discovers observers (tiered-memory-metrics' binder) with ServiceLoader.
  uses io.tieredmemory.core.spi.TierObserver.Provider;
}
