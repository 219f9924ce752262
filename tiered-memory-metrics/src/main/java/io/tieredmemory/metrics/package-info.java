/**
 * Micrometer meters ({@link io.tieredmemory.metrics.TieredMemoryMetrics}) and the HTTP endpoint
 * ({@link io.tieredmemory.metrics.TieredMemoryEndpoint}) for a tiered store.
 */
@NullMarked
package io.tieredmemory.metrics;

import org.jspecify.annotations.NullMarked;
