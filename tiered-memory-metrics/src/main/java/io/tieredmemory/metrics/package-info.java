/**
 * Metrics for tiered-memory: the Micrometer-backed {@code TierObserver}, the Prometheus endpoint,
 * the decision feed and the live view. Empty until the metrics issue lands; the module exists so
 * the build layout and dependency direction (metrics depends on core, never the reverse) are fixed
 * from the start.
 */
package io.tieredmemory.metrics;
