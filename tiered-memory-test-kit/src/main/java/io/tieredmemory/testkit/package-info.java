/** Contract tests every {@code TierStore} must pass, fault injection and a manual clock. */
@NullMarked
package io.tieredmemory.testkit;

import org.jspecify.annotations.NullMarked;
