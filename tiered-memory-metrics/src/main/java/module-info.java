/**
 * Micrometer meters, a Prometheus endpoint and a live view for a tiered store. Micrometer ships no
 * descriptors; {@code micrometer.core} and {@code micrometer.registry.prometheus} are the {@code
 * Automatic-Module-Name}s in their manifests. Both, and {@code jdk.httpserver}, appear in this
 * module's API ({@code MeterRegistry}, {@code PrometheusMeterRegistry}, {@code HttpServer}), hence
 * {@code requires transitive}.
 *
 * <p>The provider below (also listed in {@code META-INF/services} for class-path users) binds every
 * store built with default settings to Micrometer's global registry.
 */
module io.tieredmemory.metrics {
  // Nullness annotations (@NullMarked, @Nullable): needed to compile, not at run time.
  requires static transitive org.jspecify;
  requires transitive io.tieredmemory.core;
  requires transitive micrometer.core;
  requires transitive micrometer.observation;
  requires transitive micrometer.commons;
  requires transitive micrometer.registry.prometheus;
  // Native histograms (MetricsOptions.nativeHistograms) are registered in the Prometheus client
  // library's registry directly: Micrometer has classic histograms only.
  requires io.prometheus.metrics.core;
  requires io.prometheus.metrics.model;
  requires transitive jdk.httpserver;

  exports io.tieredmemory.metrics;

  provides io.tieredmemory.core.spi.TierObserver.Provider with
      io.tieredmemory.metrics.TieredMemoryMetrics.Provider;
}
