/** Tiering policies: when memories are promoted, demoted, archived and rehydrated. */
@NullMarked
package io.tieredmemory.core.policy;

import org.jspecify.annotations.NullMarked;
