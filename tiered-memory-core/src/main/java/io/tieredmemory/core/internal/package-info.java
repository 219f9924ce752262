/**
 * Shared argument checks and duration arithmetic. Not API: exported only to this project's own
 * modules, and may change in any release.
 */
@NullMarked
package io.tieredmemory.core.internal;

import org.jspecify.annotations.NullMarked;
