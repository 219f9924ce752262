/** The HOT tier on Redis: {@link io.tieredmemory.redis.RedisTierStore}. */
@NullMarked
package io.tieredmemory.redis;

import org.jspecify.annotations.NullMarked;
