/**
 * The tiered store: {@link io.tieredmemory.core.TieredMemory}, its builder, memories, tiers and
 * statistics. Types are non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package io.tieredmemory.core;

import org.jspecify.annotations.NullMarked;
