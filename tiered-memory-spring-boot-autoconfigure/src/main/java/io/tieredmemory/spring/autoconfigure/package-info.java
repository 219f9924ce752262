/**
 * Spring Boot 4 auto-configuration of a {@link io.tieredmemory.core.TieredMemory}: the store from
 * {@code tiered-memory.*} properties, its metrics in the application's {@code MeterRegistry}, a
 * health indicator and a failure analyzer for bad property values.
 */
@NullMarked
package io.tieredmemory.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
