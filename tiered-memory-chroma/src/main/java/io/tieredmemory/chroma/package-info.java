/** The COLD tier on Chroma: {@link io.tieredmemory.chroma.ChromaTierStore}. */
@NullMarked
package io.tieredmemory.chroma;

import org.jspecify.annotations.NullMarked;
