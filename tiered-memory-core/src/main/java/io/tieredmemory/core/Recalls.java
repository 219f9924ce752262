package io.tieredmemory.core;

import io.tieredmemory.core.event.TierEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Records what a recall returned: the {@link io.tieredmemory.core.spi.TierObserver#recalled} hook
 * (counts per tier, no allocation) and, only when some observer wants events, a {@link
 * TierEvent.Recalled} with the keys, the query text (if the store records it) and the trace id (if
 * the store has a supplier of them). Called just before the request's completion.
 */
final class Recalls {
  private static final System.Logger LOG = System.getLogger(Recalls.class.getName());

  private final String store;
  private final Clock clock;
  private final Signals signals;
  private final boolean recordQueryText;
  private final @Nullable Supplier<@Nullable String> traceIds;
  private volatile boolean warned;

  Recalls(
      String store,
      Clock clock,
      Signals signals,
      boolean recordQueryText,
      @Nullable Supplier<@Nullable String> traceIds) {
    this.store = store;
    this.clock = clock;
    this.signals = signals;
    this.recordQueryText = recordQueryText;
    this.traceIds = traceIds;
  }

  /** A search by {@code request} returned {@code hits}, best first. */
  void searched(SearchRequest request, List<SearchHit> hits, long nanos) {
    int hot = 0;
    int warm = 0;
    int cold = 0;
    for (SearchHit h : hits) {
      switch (h.tier()) {
        case HOT -> hot++;
        case WARM -> warm++;
        case COLD -> cold++;
      }
    }
    signals.recalled(request.source(), hot, warm, cold);
    if (!signals.eventsWanted()) {
      return;
    }
    List<TierEvent.Recalled.Result> results = new ArrayList<>(hits.size());
    for (SearchHit h : hits) {
      results.add(
          new TierEvent.Recalled.Result(
              h.memory().key(), h.memory().version(), h.tier(), h.similarity()));
    }
    signals.publish(
        new TierEvent.Recalled(
            store,
            clock.instant(),
            request.source(),
            results,
            recordQueryText ? request.text() : null,
            traceId(),
            Duration.ofNanos(Math.max(0, nanos))));
  }

  /** A read by key that named its {@code source} returned {@code memory} from {@code tier}. */
  void got(String source, @Nullable Memory memory, @Nullable Tier tier, long nanos) {
    signals.recalled(
        source,
        tier == Tier.HOT && memory != null ? 1 : 0,
        tier == Tier.WARM && memory != null ? 1 : 0,
        tier == Tier.COLD && memory != null ? 1 : 0);
    if (!signals.eventsWanted()) {
      return;
    }
    List<TierEvent.Recalled.Result> results =
        memory == null || tier == null
            ? List.of()
            : List.of(
                new TierEvent.Recalled.Result(memory.key(), memory.version(), tier, Double.NaN));
    signals.publish(
        new TierEvent.Recalled(
            store,
            clock.instant(),
            source,
            results,
            null,
            traceId(),
            Duration.ofNanos(Math.max(0, nanos))));
  }

  /** The supplier's trace id; a supplier that throws is logged (once at WARNING) and ignored. */
  private @Nullable String traceId() {
    Supplier<@Nullable String> s = traceIds;
    if (s == null) {
      return null;
    }
    try {
      return s.get();
    } catch (RuntimeException | LinkageError e) {
      System.Logger.Level level = warned ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING;
      warned = true;
      LOG.log(level, () -> "store '" + store + "': the traceIds supplier threw; ignored", e);
      return null;
    }
  }
}
