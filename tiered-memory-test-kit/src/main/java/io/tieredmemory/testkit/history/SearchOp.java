package io.tieredmemory.testkit.history;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A search that returned normally, with its hits by key. Searches are not linearizable (an index
 * may lag), so they are checked only for staleness by {@link SearchCheck}; a search that threw
 * promises nothing and is not recorded.
 *
 * <pre>{@code
 * SearchOp s = new SearchOp(9, "p1", "french", Map.of("user:1", "v-17"), 400, 460);
 * }</pre>
 *
 * @param id identifies the search within its recorder
 * @param process who invoked it
 * @param query the query text (for reports only)
 * @param hits the value returned for each key found, in the order returned; unmodifiable
 * @param invokedAt when it was invoked, on the history's clock
 * @param completedAt when it returned
 */
public record SearchOp(
    long id,
    String process,
    String query,
    Map<String, String> hits,
    long invokedAt,
    long completedAt) {

  /** Copies the hits, keeping their order. */
  public SearchOp {
    Objects.requireNonNull(process, "process");
    Objects.requireNonNull(query, "query");
    Map<String, String> copy = new LinkedHashMap<>();
    Objects.requireNonNull(hits, "hits")
        .forEach(
            (k, v) ->
                copy.put(
                    Objects.requireNonNull(k, "hit key"), Objects.requireNonNull(v, "hit value")));
    hits = Collections.unmodifiableMap(copy);
    if (completedAt < invokedAt) {
      throw new IllegalArgumentException(
          "completedAt must be >= invokedAt " + invokedAt + ", was " + completedAt);
    }
  }
}
