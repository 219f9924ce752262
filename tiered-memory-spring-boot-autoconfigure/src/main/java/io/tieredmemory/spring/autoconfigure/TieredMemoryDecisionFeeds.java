package io.tieredmemory.spring.autoconfigure;

import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.spi.TierObserver;
import io.tieredmemory.metrics.DecisionFeed;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One {@link DecisionFeed} per store, keyed by {@link TieredMemory#name()}: its {@link #observer()}
 * makes the feed of each store it is attached to and hands it that store's decisions. The
 * auto-configured stores get it through a {@link TieredMemoryBuilderCustomizer}; attach it to a
 * store of your own with {@code builder.observer(feeds.observer())} so that the Actuator endpoint
 * and the live view show its decisions. (Not itself a {@code TierObserver} bean: those are attached
 * to the auto-configured stores too, and each decision would be recorded twice.)
 */
public final class TieredMemoryDecisionFeeds {
  private final Function<TieredMemory, DecisionFeed> factory;
  private final Map<String, DecisionFeed> feeds = new ConcurrentHashMap<>();

  /** Feeds made by {@code factory}, one per store. */
  public TieredMemoryDecisionFeeds(Supplier<DecisionFeed> factory) {
    this(store -> factory.get());
  }

  /**
   * Feeds made by {@code factory} for each store as it is attached (e.g. durable only when {@link
   * TieredMemory#eventLog()} is present), one per store.
   */
  public TieredMemoryDecisionFeeds(Function<TieredMemory, DecisionFeed> factory) {
    this.factory = factory;
  }

  private final TierObserver observer =
      new TierObserver() {
        @Override
        public void attached(TieredMemory store) {
          feeds.computeIfAbsent(store.name(), n -> factory.apply(store)).attached(store);
        }

        @Override
        public void detached(TieredMemory store) {
          DecisionFeed feed = feeds.get(store.name());
          if (feed != null) {
            feed.detached(store);
          }
        }

        @Override
        public boolean wantsEvents() {
          return true;
        }

        @Override
        public boolean wantsUntimedGets() {
          return false; // feeds ignore requests
        }

        @Override
        public void onEvent(TierEvent event) {
          DecisionFeed feed = feeds.get(event.store());
          if (feed != null) {
            feed.onEvent(event);
          }
        }

        @Override
        public String toString() {
          return "TieredMemoryDecisionFeeds.observer()";
        }
      };

  /** The observer to attach to a store (the same one for every store). */
  public TierObserver observer() {
    return observer;
  }

  /** The feed of the store named {@code store}, if that store was built with this observer. */
  public Optional<DecisionFeed> feed(String store) {
    return Optional.ofNullable(feeds.get(store));
  }

  /** Every feed, by store name (a snapshot). */
  public Map<String, DecisionFeed> feeds() {
    return Map.copyOf(feeds);
  }

  @Override
  public String toString() {
    return "TieredMemoryDecisionFeeds" + feeds.keySet();
  }
}
