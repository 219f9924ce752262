/**
 * Shared argument checks, duration arithmetic, and the batched background writer of the history and
 * the durable feed. Not API: exported only to this project's own modules, and may change in any
 * release.
 */
@NullMarked
package io.tieredmemory.core.internal;

import org.jspecify.annotations.NullMarked;
