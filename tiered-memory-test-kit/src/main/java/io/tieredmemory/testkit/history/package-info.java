/**
 * Histories of concurrent operations on the store and the checkers that judge them.
 *
 * <p>A test records every put, get, delete and search with its invocation and completion instants
 * ({@link io.tieredmemory.testkit.history.HistoryRecorder}, or one {@link
 * io.tieredmemory.testkit.history.HistoryWriter} file per process merged by {@link
 * io.tieredmemory.testkit.history.HistoryReader}); then {@link
 * io.tieredmemory.testkit.history.LinearizabilityChecker} decides whether each key behaved as one
 * atomic register, shrinking a violation to a small readable counterexample, and {@link
 * io.tieredmemory.testkit.history.SearchCheck} checks that no search returned a stale value.
 *
 * <pre>{@code
 * HistoryRecorder recorder = HistoryRecorder.inMemory();
 * // ... threads call recorder.invoke(...) around every store call, then:
 * CheckResult result = LinearizabilityChecker.withDefaults().check(recorder.history());
 * assertThat(result.ok()).as(result.describe(seed)).isTrue();
 * }</pre>
 */
@NullMarked
package io.tieredmemory.testkit.history;

import org.jspecify.annotations.NullMarked;
