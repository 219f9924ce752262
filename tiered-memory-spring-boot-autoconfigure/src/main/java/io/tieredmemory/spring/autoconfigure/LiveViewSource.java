package io.tieredmemory.spring.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.metrics.DecisionFeed;
import io.tieredmemory.metrics.LiveView;
import io.tieredmemory.metrics.MetricNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;

/**
 * What both web stacks serve: the page, the stats document of every {@link TieredMemory} bean (read
 * from the registry the stores are bound to), and cursors over the decision feeds.
 */
final class LiveViewSource {
  private final MeterRegistry registry;
  private final ObjectProvider<TieredMemory> stores;
  private final ObjectProvider<TieredMemoryDecisionFeeds> feeds;
  private final Semaphore clients;
  private final byte[] page = LiveView.page();

  private final MetricNames names;

  LiveViewSource(
      MeterRegistry registry,
      ObjectProvider<TieredMemory> stores,
      ObjectProvider<TieredMemoryDecisionFeeds> feeds,
      MetricNames names,
      int maxClients) {
    this.registry = registry;
    this.names = names;
    this.stores = stores;
    this.feeds = feeds;
    this.clients = new Semaphore(maxClients);
  }

  MeterRegistry registry() {
    return registry;
  }

  byte[] page() {
    return page;
  }

  String statsJson() {
    List<TieredMemory> all = stores.orderedStream().toList();
    long dropped = 0;
    TieredMemoryDecisionFeeds f = feeds.getIfAvailable();
    if (f != null) {
      for (DecisionFeed feed : f.feeds().values()) {
        dropped += feed.dropped();
      }
    }
    return LiveView.statsJson(registry, names, all, dropped);
  }

  /**
   * The plan document of every store (or of the one named {@code store}), keys labelled by each
   * store's feed.
   *
   * @throws IllegalArgumentException naming the parameter, for a bad {@code limit} or an unknown
   *     {@code store} (answered with 400)
   */
  String planJson(@Nullable String limit, @Nullable String store) {
    List<TieredMemory> all = stores.orderedStream().toList();
    if (store != null) {
      all = all.stream().filter(s -> s.name().equals(store)).toList();
      if (all.isEmpty()) {
        throw new IllegalArgumentException(
            "store must name a store served here, was '"
                + (store.length() > 40 ? store.substring(0, 40) + "..." : store)
                + "'");
      }
    }
    TieredMemoryDecisionFeeds f = feeds.getIfAvailable();
    return LiveView.planJson(all, limit, name -> f == null ? null : f.feed(name).orElse(null));
  }

  /**
   * A memory's history ({@code ?key=K&store=S}), from the first store (or the one named {@code
   * store}) that knows the key, keys labelled by each store's feed: the status to answer (200, 400,
   * 404, 501 or 503) and the body (JSON for 200, a line of text saying why otherwise).
   */
  Map.Entry<Integer, String> historyJson(@Nullable String key, @Nullable String store) {
    List<TieredMemory> all = stores.orderedStream().toList();
    TieredMemoryDecisionFeeds f = feeds.getIfAvailable();
    return LiveView.historyJson(
        all, key, store, name -> f == null ? null : f.feed(name).orElse(null));
  }

  /**
   * A cursor over every store's feed, resuming after {@code lastEventId} (as sent in the events'
   * ids), or null when too many clients are connected. Close it when done.
   */
  @Nullable Cursor open(@Nullable String lastEventId) {
    if (!clients.tryAcquire()) {
      return null;
    }
    try {
      TieredMemoryDecisionFeeds f = feeds.getIfAvailable();
      Map<String, DecisionFeed> byStore = f == null ? Map.of() : f.feeds();
      return new Cursor(byStore, parse(lastEventId));
    } catch (RuntimeException e) {
      clients.release();
      throw e;
    }
  }

  /**
   * {@code store:seq,store:seq} (store names hold no ':' or ','); anything else: from the start.
   */
  static Map<String, Long> parse(@Nullable String id) {
    Map<String, Long> after = new HashMap<>();
    if (id == null || id.isBlank()) {
      return after;
    }
    for (String part : id.trim().split(",")) {
      int colon = part.lastIndexOf(':');
      if (colon > 0) {
        try {
          after.put(part.substring(0, colon), Long.parseLong(part.substring(colon + 1)));
        } catch (NumberFormatException ignored) {
          // a malformed part: that store replays its history
        }
      }
    }
    return after;
  }

  /** One decision to send: its SSE id, event name and data. */
  record Frame(String id, String event, String data) {}

  /**
   * The decisions of several feeds as one stream. Each frame's id says how far every feed was read,
   * so a client reconnecting with it resumes each feed where it stopped.
   */
  final class Cursor implements AutoCloseable {
    private final Map<String, DecisionFeed.Subscription> subscriptions = new LinkedHashMap<>();
    private final Map<String, Long> seen = new LinkedHashMap<>();
    private boolean closed;

    private Cursor(Map<String, DecisionFeed> byStore, Map<String, Long> after) {
      List<String> names = new ArrayList<>(byStore.keySet());
      names.sort(null);
      for (String name : names) {
        long from = after.getOrDefault(name, 0L);
        subscriptions.put(name, byStore.get(name).subscribeAfter(from));
        seen.put(name, from);
      }
    }

    /** The next decisions available now, at most {@code max}, without waiting. */
    synchronized List<Frame> drain(int max) {
      List<Frame> out = new ArrayList<>();
      if (closed) {
        return out;
      }
      try {
        for (Map.Entry<String, DecisionFeed.Subscription> s : subscriptions.entrySet()) {
          DecisionFeed.Entry e;
          while (out.size() < max && (e = s.getValue().poll(Duration.ZERO)) != null) {
            out.add(frame(s.getKey(), e));
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return out;
    }

    /**
     * The next decision, waiting up to {@code timeout} (blocking: for a thread of its own), or
     * null.
     */
    @Nullable Frame next(Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        if (subscriptions.size() == 1) {
          Map.Entry<String, DecisionFeed.Subscription> only =
              subscriptions.entrySet().iterator().next();
          DecisionFeed.Entry e = only.getValue().poll(timeout);
          synchronized (this) {
            return e == null ? null : frame(only.getKey(), e);
          }
        }
        List<Frame> one = drain(1);
        if (!one.isEmpty()) {
          return one.get(0);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        Thread.sleep(Math.min(100, Math.max(1, left / 1_000_000)));
      }
    }

    private Frame frame(String store, DecisionFeed.Entry e) {
      seen.put(store, e.sequence());
      StringBuilder id = new StringBuilder();
      for (Map.Entry<String, Long> s : seen.entrySet()) {
        if (id.length() > 0) {
          id.append(',');
        }
        id.append(s.getKey()).append(':').append(s.getValue());
      }
      return new Frame(id.toString(), e.kind(), e.json());
    }

    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        subscriptions.values().forEach(DecisionFeed.Subscription::close);
        clients.release();
      }
    }
  }
}
