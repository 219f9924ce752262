package io.tieredmemory.core.spi;

import io.tieredmemory.core.Operation;
import io.tieredmemory.core.RequestResult;
import io.tieredmemory.core.Tier;
import org.jspecify.annotations.Nullable;

/**
 * How many requests a store has completed, by operation, serving tier and result: what an observer
 * that does not {@linkplain TierObserver#wantsUntimedGets() want untimed gets} reads instead of
 * counting them itself (the store gives it these counts through {@link
 * TierObserver#requestCounts}). The Micrometer binding reads them at each scrape.
 *
 * <p>The store counts each request on the thread that made it, into cells of that thread's own, and
 * a read sums the cells of every thread: counting writes no shared cache line, and a read costs in
 * proportion to the threads that made requests, so read at a scrape's pace, not per request.
 *
 * <p><b>Exact.</b> No request is lost from the counts. A read sees every request completed before
 * it was asked (a thread joined, a call returned before the read began), and possibly some that
 * complete while it runs; once the callers are quiet, the counts are exact. They count from the
 * store's build and never decrease; threads that end keep their requests in the sums.
 */
public interface RequestCounts {
  /**
   * The requests completed so far with this outcome (the arguments of {@link
   * TierObserver#requestCompleted}); 0 for a combination that has not happened, or cannot.
   *
   * @param operation what was asked
   * @param tier the tier that served it, or {@code null} when none did (misses, errors)
   * @param result how it ended
   * @throws IllegalArgumentException if {@code operation} or {@code result} is null
   */
  long count(Operation operation, @Nullable Tier tier, RequestResult result);
}
