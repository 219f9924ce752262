package io.tieredmemory.core.event;

/**
 * Receives every {@link TierEvent} of a store, synchronously, in the thread that caused it. Keep it
 * fast (hand events to a queue if work is needed); an exception it throws is logged and never
 * reaches the caller of the store.
 *
 * <pre>{@code
 * TieredMemory store = TieredMemory.builder("agent")
 *     .listener(event -> feed.offer(event))
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface TierEventListener {
  /** Called once per event. */
  void onEvent(TierEvent event);
}
