package io.tieredmemory.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.tieredmemory.core.BackendOperation;
import io.tieredmemory.core.Kinds;
import io.tieredmemory.core.Operation;
import io.tieredmemory.core.RequestResult;
import io.tieredmemory.core.StoreStats;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TierStats;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.internal.Validation;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.spi.RequestCounts;
import io.tieredmemory.core.spi.TierObserver;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Records one store into a Micrometer registry: the binding of a {@link TieredMemory} to
 * Micrometer, as {@code CaffeineStatsCounter} is Caffeine's. Every series carries the tag {@code
 * store} (the store's name) plus the extra tags given here; label values come from enums, or from
 * the store's capped set of {@linkplain TieredMemory#kinds() kinds} (the {@code kind} tag of the
 * item and byte gauges and the movement counter, only for a store with kinds), never from keys or
 * content. The names are in {@link MetricNames}; {@code docs/metrics.md} lists every series.
 *
 * <pre>{@code
 * TieredMemory store = TieredMemory.builder("agent")
 *     .observer(TieredMemoryMetrics.of(registry, Tags.of("service", "support-bot")))
 *     .build();
 * }</pre>
 *
 * <p>An instance binds the one store it is attached to: its meters are registered when the store is
 * built and removed when it closes, and the per-tier item and byte gauges are refreshed on a daemon
 * thread of this binding ({@code tiered-memory-metrics-<store>}, every {@link
 * MetricsOptions#statsRefresh()}), so a scrape never calls a tier. The thread stops when the store
 * closes.
 *
 * <p><b>Zero-config.</b> With this module on the class path, every store built with observer
 * discovery on (the default) is bound to Micrometer's global registry ({@link
 * Metrics#globalRegistry}) through {@link Provider}: the one deliberate JVM-wide default, the
 * registry Spring Boot and most frameworks feed. A store given a {@code TieredMemoryMetrics}
 * explicitly is not bound again. The system property {@code tiered.memory.metrics.autobind=false}
 * turns the zero-config binding off.
 */
public final class TieredMemoryMetrics implements TierObserver {
  private static final System.Logger LOG = System.getLogger(TieredMemoryMetrics.class.getName());

  /** The system property that turns the zero-config binding off when {@code false}. */
  public static final String AUTOBIND_PROPERTY = "tiered.memory.metrics.autobind";

  private final MeterRegistry registry;
  private final Tags tags;
  private final MetricsOptions options;
  private final Object lock = new Object();
  private @Nullable TieredMemory store; // guarded by lock
  private @Nullable RequestCounts requestCounts; // guarded by lock: given before attached
  private volatile @Nullable StoreMeters meters;
  private @Nullable ScheduledExecutorService refresher; // guarded by lock

  private TieredMemoryMetrics(MeterRegistry registry, Tags tags, MetricsOptions options) {
    this.registry = registry;
    this.tags = tags;
    this.options = options;
  }

  /** A binding to {@code registry}, with no extra tags and the default options. */
  public static TieredMemoryMetrics of(MeterRegistry registry) {
    return of(registry, Tags.empty(), MetricsOptions.defaults());
  }

  /** A binding to {@code registry} adding {@code tags} to every series. */
  public static TieredMemoryMetrics of(MeterRegistry registry, Iterable<Tag> tags) {
    return of(registry, tags, MetricsOptions.defaults());
  }

  /**
   * A binding to {@code registry} adding {@code tags} to every series, with {@code options}.
   *
   * @throws IllegalArgumentException if an argument is null, or a tag is named {@code store} (the
   *     binding sets it)
   */
  public static TieredMemoryMetrics of(
      MeterRegistry registry, Iterable<Tag> tags, MetricsOptions options) {
    Validation.requireNonNull("registry", registry);
    Validation.requireNonNull("tags", tags);
    Validation.requireNonNull("options", options);
    Tags all = Tags.of(tags);
    for (Tag t : all) {
      if (t.getKey().equals("store")) {
        throw new IllegalArgumentException(
            "tags must not include 'store' (set from the store's name), was " + all);
      }
    }
    return new TieredMemoryMetrics(registry, all, options);
  }

  /**
   * False: the request counters read the store's own counts ({@link #requestCounts}), so a get the
   * store did not time costs this binding nothing (issue 16: the in-process HOT hit).
   */
  @Override
  public boolean wantsUntimedGets() {
    return false;
  }

  /**
   * Keeps the store's request counts, which the {@code tiered.memory.requests} counters read at
   * each scrape; the store gives them before {@link #attached}. Ignored once this binding is bound
   * to a store (the second store's {@link #attached} then fails, naming both).
   */
  @Override
  public void requestCounts(RequestCounts counts) {
    synchronized (lock) {
      if (store == null) {
        requestCounts = counts;
      }
    }
  }

  /**
   * Registers the store's meters and starts refreshing its gauges.
   *
   * @throws IllegalStateException if this binding is already attached to a store, or a store of the
   *     same name is bound to the registry with the same tags (their series would merge)
   */
  @Override
  public void attached(TieredMemory store) {
    synchronized (lock) {
      if (this.store != null) {
        throw new IllegalStateException(
            "a TieredMemoryMetrics binds one store; this one is bound to '"
                + this.store.name()
                + "', cannot bind '"
                + store.name()
                + "' too: create one per store");
      }
      if (boundAlready(registry, options.names(), tags, store.name())) {
        throw new IllegalStateException(
            "a store named '"
                + store.name()
                + "' is already bound to this registry with tags "
                + tags
                + ": their series would merge; give the stores distinct names or distinct tags");
      }
      RequestCounts counts = requestCounts;
      if (counts == null) {
        throw new IllegalStateException(
            "store '"
                + store.name()
                + "' attached this TieredMemoryMetrics without giving it its request counts:"
                + " attach it as an observer of its own (TieredMemory.Builder.observer), or, from"
                + " an observer that wraps it, forward wantsUntimedGets() and requestCounts()");
      }
      this.store = store;
      StoreMeters m = new StoreMeters(store, counts, registry, tags, options);
      this.meters = m;
      refresh();
      String thread = "tiered-memory-metrics-" + store.name();
      refresher =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, thread);
                t.setDaemon(true);
                return t;
              });
      long every = options.statsRefresh().toMillis();
      refresher.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.MILLISECONDS);
    }
  }

  /** The meters of the store; a store calls its observers back only once attached. */
  private StoreMeters meters() {
    StoreMeters m = meters;
    if (m == null) {
      throw new IllegalStateException("this TieredMemoryMetrics is not attached to a store");
    }
    return m;
  }

  private static boolean boundAlready(
      MeterRegistry registry, MetricNames names, Tags tags, String storeName) {
    return registry.find(names.requests()).tags(tags).tag("store", storeName).functionCounter()
        != null;
  }

  /** Stops the refresh and removes every meter of the store from the registry. */
  @Override
  public void detached(TieredMemory store) {
    synchronized (lock) {
      if (this.store != store) {
        return;
      }
      // attached() set both with the store.
      Objects.requireNonNull(refresher).shutdownNow();
      Objects.requireNonNull(meters).remove();
    }
  }

  /**
   * Refreshes the item and byte gauges from {@link TieredMemory#stats()} now, or from {@link
   * TieredMemory#kindStats()} for a store with kinds (the binding's thread does it every {@link
   * MetricsOptions#statsRefresh()}). A tier whose count fails keeps its last value.
   */
  public void refresh() {
    StoreMeters m = meters;
    TieredMemory s;
    synchronized (lock) {
      s = store;
    }
    if (m == null || s == null) {
      return;
    }
    try {
      if (m.kinds()) {
        m.kindsHold(s.kindStats());
      } else {
        StoreStats stats = s.stats();
        for (Tier t : Tier.values()) {
          TierStats ts = stats.tier(t);
          m.tierHolds(t, ts.items(), ts.bytes());
        }
      }
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "stats refresh of store '" + s.name() + "' failed", e);
    }
  }

  /**
   * {@link MetricsOptions#timingSample()}: on a store whose HOT tier is in process, one get in this
   * many is timed; every request is counted.
   */
  @Override
  public int timingSample() {
    return options.timingSample();
  }

  /**
   * Records the request's duration, when it was timed, into {@code tiered.memory.request.duration};
   * the request is counted by the store ({@link #requestCounts}), not here.
   */
  @Override
  public void requestCompleted(
      Operation operation, @Nullable Tier tier, RequestResult result, long durationNanos) {
    if (durationNanos >= 0) {
      StoreMeters.record(meters().requestDuration(operation), durationNanos);
    }
  }

  @Override
  public void backendCallCompleted(
      Tier tier, BackendOperation operation, boolean success, long durationNanos) {
    StoreMeters.Backend b = meters().backend(tier, operation);
    if (b != null) {
      b.record(durationNanos);
      if (!success) {
        b.errors().increment();
      }
    }
  }

  @Override
  public void movementCompleted(
      Tier from, Tier to, MoveReason reason, @Nullable String kind, long durationNanos) {
    StoreMeters m = meters();
    Counter c =
        m.kinds()
            ? m.movement(from, to, reason, kind == null ? Kinds.NONE : kind)
            : m.movement(from, to, reason);
    if (c != null) {
      c.increment();
    }
    StoreMeters.record(m.movementDuration(from, to), durationNanos);
  }

  @Override
  public void evicted(Tier tier, MoveReason reason) {
    meters().evictions(tier).increment();
  }

  @Override
  public void sweepCompleted(boolean success, long durationNanos) {
    StoreMeters.record(meters().sweep(success), durationNanos);
  }

  /** Sets the plan gauge of {@code reason}: what the sweep planning now found due. */
  @Override
  public void sweepPlanned(MoveReason reason, int moves) {
    meters().planPending(reason, moves);
  }

  @Override
  public void searchCompleted(int hits, double topSimilarity) {
    if (hits > 0) {
      meters().searchTopSimilarity().record(topSimilarity);
    }
  }

  /** Results per recall by source (capped: unknown sources count as other), results by tier. */
  @Override
  public void recalled(String source, int hot, int warm, int cold) {
    StoreMeters m = meters();
    m.recallResults(source).record(hot + warm + cold);
    if (hot > 0) {
      m.recalled(Tier.HOT).increment(hot);
    }
    if (warm > 0) {
      m.recalled(Tier.WARM).increment(warm);
    }
    if (cold > 0) {
      m.recalled(Tier.COLD).increment(cold);
    }
  }

  /** The registry this binding records into. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The tags added to every series, besides {@code store}. */
  public List<Tag> tags() {
    return tags.stream().toList();
  }

  /** The options this binding records with. */
  public MetricsOptions options() {
    return options;
  }

  @Override
  public String toString() {
    TieredMemory s;
    synchronized (lock) {
      s = store;
    }
    return "TieredMemoryMetrics[store="
        + (s == null ? "(not bound)" : s.name())
        + ", tags="
        + tags
        + ", registry="
        + registry.getClass().getSimpleName()
        + "]";
  }

  /**
   * The {@link java.util.ServiceLoader} entry behind zero-config: binds each store built with
   * discovery on to {@link Metrics#globalRegistry} with the default options, unless the system
   * property {@value #AUTOBIND_PROPERTY} is {@code false}. Not meant to be called directly.
   */
  public static final class Provider implements TierObserver.Provider {
    /** Called by {@link java.util.ServiceLoader}. */
    public Provider() {}

    @Override
    public @Nullable TierObserver observerFor(String storeName) {
      if ("false".equalsIgnoreCase(System.getProperty(AUTOBIND_PROPERTY))) {
        return null;
      }
      if (boundAlready(Metrics.globalRegistry, MetricNames.defaults(), Tags.empty(), storeName)) {
        LOG.log(
            Level.WARNING,
            "store '"
                + storeName
                + "' is not bound to Micrometer's global registry: an open store of that name"
                + " already is (store names must be unique for their series not to merge)");
        return null;
      }
      return of(Metrics.globalRegistry);
    }
  }
}
