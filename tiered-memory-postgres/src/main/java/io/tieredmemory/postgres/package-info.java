/** The WARM tier on PostgreSQL: {@link io.tieredmemory.postgres.PostgresTierStore}. */
@NullMarked
package io.tieredmemory.postgres;

import org.jspecify.annotations.NullMarked;
