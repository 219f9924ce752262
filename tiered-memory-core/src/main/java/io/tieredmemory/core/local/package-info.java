/** In-process tiers, for tests, demos and single-process use. */
@NullMarked
package io.tieredmemory.core.local;

import org.jspecify.annotations.NullMarked;
