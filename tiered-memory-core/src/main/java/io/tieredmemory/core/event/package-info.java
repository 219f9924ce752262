/** What the store reports about itself: tier events for observers and the live view. */
@NullMarked
package io.tieredmemory.core.event;

import org.jspecify.annotations.NullMarked;
