/**
 * The service-provider interface backends implement ({@link io.tieredmemory.core.spi.TierStore} and
 * its views), with coordinators, embedders and observers.
 */
@NullMarked
package io.tieredmemory.core.spi;

import org.jspecify.annotations.NullMarked;
