package io.tieredmemory.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.tieredmemory.core.BackendOperation;
import io.tieredmemory.core.KindCount;
import io.tieredmemory.core.KindStats;
import io.tieredmemory.core.Kinds;
import io.tieredmemory.core.Operation;
import io.tieredmemory.core.RecallSource;
import io.tieredmemory.core.RequestResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.spi.RequestCounts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * Every meter of one store, registered up front and held in {@link EnumMap}s keyed by the enums
 * that are their labels: recording is a few map lookups and an increment, no name or tag lookup, no
 * allocation. Only label combinations that can happen are registered (a put is served by WARM only;
 * only remote tiers have backend timers), so a lookup may find none.
 */
final class StoreMeters {
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  // The request counters: one FunctionCounter per (operation, tier or none, result) that can
  // happen, reading the store's own counts (per-thread cells, summed at each scrape).
  private final RequestCounts requestCounts;
  private final EnumMap<Operation, Timer> requestDuration = new EnumMap<>(Operation.class);
  // Per remote tier and backend operation, registered at its first call (see backend()): a
  // tier is asked only some of the nine operations, and only those become series.
  private final AtomicReferenceArray<@Nullable Backend> backend =
      new AtomicReferenceArray<>(Tier.values().length * BackendOperation.values().length);
  private final EnumSet<Tier> remoteTiers = EnumSet.noneOf(Tier.class);
  private final Duration[] backendSlo;
  private boolean removed; // guarded by meters
  private final EnumMap<Tier, EnumMap<Tier, EnumMap<MoveReason, Counter>>> movements =
      new EnumMap<>(Tier.class);
  private final EnumMap<Tier, EnumMap<Tier, Timer>> movementDuration = new EnumMap<>(Tier.class);
  private final EnumMap<Tier, Counter> evictions = new EnumMap<>(Tier.class);
  private final Timer sweepSucceeded;
  private final Timer sweepFailed;
  private final DistributionSummary searchTopSimilarity;
  // Keyed by RecallSource.KNOWN and OTHER: a capped set, registered up front.
  private final Map<String, DistributionSummary> recallResults = new HashMap<>();
  private final DistributionSummary otherRecallResults;
  private final EnumMap<Tier, Counter> recalled = new EnumMap<>(Tier.class);
  // Strong references: Micrometer gauges hold their state object weakly. -1: not known yet.
  private final EnumMap<MoveReason, AtomicLong> planPending = new EnumMap<>(MoveReason.class);
  private final EnumMap<Tier, AtomicLong> items = new EnumMap<>(Tier.class);
  private final EnumMap<Tier, AtomicLong> bytes = new EnumMap<>(Tier.class);

  // With kinds: the gauges and movement counters of each kind label, registered when the store
  // first names the label (in a count or a move), never more than maxKinds + 2 labels.
  private final MetricNames names;
  private final Tags tags;
  private final boolean kinds;
  private final int maxLabels;
  private final ConcurrentHashMap<String, KindMeters> byKind = new ConcurrentHashMap<>();

  /** The meters of one kind label: gauges per tier, a movement counter per way a memory moves. */
  private static final class KindMeters {
    final EnumMap<Tier, AtomicLong> items = new EnumMap<>(Tier.class);
    final EnumMap<Tier, AtomicLong> bytes = new EnumMap<>(Tier.class);
    final EnumMap<Tier, EnumMap<Tier, EnumMap<MoveReason, Counter>>> movements =
        new EnumMap<>(Tier.class);
  }

  /**
   * The meters of one remote tier's backend operation: every call timed (by a Micrometer timer, or
   * a native histogram's series), failures counted.
   */
  record Backend(
      @Nullable Timer duration, @Nullable DistributionDataPoint nativeDuration, Counter errors) {
    /** Records one call's duration. */
    void record(long durationNanos) {
      if (nativeDuration != null) {
        nativeDuration.observe(durationNanos / 1e9);
      } else {
        StoreMeters.record(duration, durationNanos);
      }
    }
  }

  private final @Nullable NativeBackendHistogram nativeBackend;
  private final List<Tags> nativeSeries = new ArrayList<>(); // guarded by meters

  StoreMeters(
      TieredMemory store,
      RequestCounts requestCounts,
      MeterRegistry registry,
      Tags extraTags,
      MetricsOptions options) {
    this.registry = registry;
    this.requestCounts = requestCounts;
    MetricNames n = options.names();
    Tags tags = extraTags.and("store", store.name());
    this.names = n;
    this.tags = tags;
    this.kinds = store.kinds().isPresent();
    this.maxLabels = store.kinds().map(k -> k.maxKinds() + 2).orElse(0);
    for (Tier t : Tier.values()) {
      if (store.tier(t).remote()) {
        remoteTiers.add(t); // in-process tiers are never timed separately
      }
    }
    Duration[] requestSlo =
        options
            .requestBucketsFor(store.tier(Tier.HOT).remote(), !remoteTiers.isEmpty())
            .toArray(new Duration[0]);
    this.backendSlo = options.backendBuckets().toArray(new Duration[0]);
    PrometheusMeterRegistry prometheus =
        options.nativeHistograms() ? NativeBackendHistogram.prometheus(registry) : null;
    this.nativeBackend =
        prometheus == null || remoteTiers.isEmpty()
            ? null
            : NativeBackendHistogram.of(prometheus, n.backendDuration(), tags);

    for (RequestCombination c : requestCombinations()) {
      keep(requestCounter(n, tags, c));
    }
    for (Operation op : Operation.values()) {
      requestDuration.put(
          op,
          keep(
              Timer.builder(n.requestDuration())
                  .description("Time from a call to its result (moves it causes excluded)")
                  .tags(tags)
                  .tag("operation", op.label())
                  .serviceLevelObjectives(requestSlo)
                  .register(registry)));
    }

    for (Move m : MOVES) {
      move(n, tags, m.from(), m.to(), m.reason(), requestSlo);
    }

    for (Tier t : Tier.values()) {
      evictions.put(
          t,
          keep(
              Counter.builder(n.evictions())
                  .description("Stale copies dropped from a tier (older than the latest version)")
                  .tags(tags)
                  .tags("tier", t.label(), "reason", MoveReason.STALE_COPY.label())
                  .register(registry)));
    }

    sweepSucceeded = sweepTimer(n, tags, "success", requestSlo);
    sweepFailed = sweepTimer(n, tags, "error", requestSlo);

    // Set by each sweep once it has planned (TierObserver.sweepPlanned): a scrape reads the value,
    // it never plans.
    for (MoveReason r : PLANNED) {
      AtomicLong due = new AtomicLong(-1);
      planPending.put(r, due);
      keep(
          Gauge.builder(n.planPending(), due, StoreMeters::known)
              .description(
                  "Moves the last sweep found due when it planned (the plan's totals then), by reason")
              .tags(tags)
              .tag("reason", r.label())
              .register(registry));
    }

    searchTopSimilarity =
        keep(
            // Micrometer's histogram buckets count whole numbers (it rounds each value up), so
            // a 0..1 similarity would land in the top bucket every time: record it in percent.
            DistributionSummary.builder(n.searchTopSimilarity())
                .description(
                    "Cosine similarity, in percent, of the best result of each search that found one")
                .baseUnit("percent")
                .scale(100)
                .tags(tags)
                .serviceLevelObjectives(10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 100)
                .register(registry));

    // Read from the store at each scrape (a counter it keeps; no call to a tier).
    keep(
        FunctionCounter.builder(n.historyDropped(), store, TieredMemory::historyDropped)
            .description(
                "History entries the store could not queue for WARM (its history queue full)")
            .baseUnit("entries")
            .tags(tags)
            .register(registry));
    keep(
        FunctionCounter.builder(n.readMovesDropped(), store, TieredMemory::readMovesDropped)
            .description(
                "Moves caused by reads that the store did not make (too many waiting off the"
                    + " reading thread); the memories stay where they are")
            .tags(tags)
            .register(registry));

    for (String source : RecallSource.KNOWN) {
      recallResults.put(source, recallResults(n, tags, source));
    }
    otherRecallResults = recallResults(n, tags, RecallSource.OTHER);
    for (Tier t : Tier.values()) {
      recalled.put(
          t,
          keep(
              Counter.builder(n.recalled())
                  .description("Memories returned by recalls, by the tier that served each")
                  .tags(tags)
                  .tag("tier", t.label())
                  .register(registry)));
    }

    if (kinds) {
      // The labels every store with kinds has, and a fixed list's, from the start.
      for (String k : store.kinds().orElseThrow().fixed()) {
        kind(k);
      }
      kind(Kinds.NONE);
      kind(Kinds.OTHER);
    } else {
      for (Tier t : Tier.values()) {
        AtomicLong i = new AtomicLong(-1);
        AtomicLong b = new AtomicLong(-1);
        items.put(t, i);
        bytes.put(t, b);
        holds(n, tags, t, i, b);
      }
    }
  }

  /** The reasons a sweep plans moves for: the labels of the plan gauge. */
  private static final List<MoveReason> PLANNED =
      List.of(
          MoveReason.HOT_IDLE,
          MoveReason.HOT_CAPACITY,
          MoveReason.WARM_IDLE,
          MoveReason.STALE_COPY);

  /** The six ways a memory moves, each with its reason. */
  private record Move(Tier from, Tier to, MoveReason reason) {}

  private static final List<Move> MOVES =
      List.of(
          new Move(Tier.WARM, Tier.HOT, MoveReason.READ_FREQUENCY),
          new Move(Tier.WARM, Tier.HOT, MoveReason.COLD_READ),
          new Move(Tier.HOT, Tier.WARM, MoveReason.HOT_IDLE),
          new Move(Tier.HOT, Tier.WARM, MoveReason.HOT_CAPACITY),
          new Move(Tier.WARM, Tier.COLD, MoveReason.WARM_IDLE),
          new Move(Tier.COLD, Tier.WARM, MoveReason.COLD_READ));

  private void holds(MetricNames n, Tags t, Tier tier, AtomicLong i, AtomicLong b) {
    keep(
        Gauge.builder(n.items(), i, StoreMeters::known)
            .description(
                "Memories held by a tier (HOT is a cache of WARM: HOT items are in WARM too)")
            .tags(t)
            .tag("tier", tier.label())
            .register(registry));
    keep(
        Gauge.builder(n.bytes(), b, StoreMeters::known)
            .description("Approximate UTF-8 bytes of keys, content and metadata held by a tier")
            .baseUnit("bytes")
            .tags(t)
            .tag("tier", tier.label())
            .register(registry));
  }

  /**
   * The meters of a kind label, registered the first time the store names it. A label beyond the
   * store's cap (which a store never gives) is recorded as {@code other}, so the series stay
   * bounded whatever happens.
   */
  private KindMeters kind(String label) {
    KindMeters km = byKind.get(label);
    if (km != null) {
      return km;
    }
    synchronized (byKind) {
      km = byKind.get(label);
      if (km != null) {
        return km;
      }
      if (byKind.size() >= maxLabels && !label.equals(Kinds.OTHER)) {
        return kind(Kinds.OTHER);
      }
      KindMeters created = new KindMeters();
      Tags kt = tags.and("kind", label);
      for (Tier t : Tier.values()) {
        AtomicLong i = new AtomicLong(-1);
        AtomicLong b = new AtomicLong(-1);
        created.items.put(t, i);
        created.bytes.put(t, b);
        holds(names, kt, t, i, b);
      }
      for (Move m : MOVES) {
        created
            .movements
            .computeIfAbsent(m.from(), f -> new EnumMap<>(Tier.class))
            .computeIfAbsent(m.to(), x -> new EnumMap<>(MoveReason.class))
            .put(m.reason(), keep(movementCounter(names, kt, m.from(), m.to(), m.reason())));
      }
      byKind.put(label, created);
      return created;
    }
  }

  private static double known(AtomicLong v) {
    long x = v.get();
    return x < 0 ? Double.NaN : x;
  }

  /** The tiers a successful request of {@code op} can be attributed to. */
  private static List<Tier> servedBy(Operation op) {
    return switch (op) {
      case GET, SEARCH -> List.of(Tier.HOT, Tier.WARM, Tier.COLD);
      case PUT, DELETE -> List.of(Tier.WARM);
    };
  }

  private static RequestResult hitOrSuccess(Operation op) {
    return op == Operation.GET || op == Operation.SEARCH
        ? RequestResult.HIT
        : RequestResult.SUCCESS;
  }

  /** One request series: an operation, the tier that served it (null: none) and a result. */
  private record RequestCombination(
      Operation operation, @Nullable Tier tier, RequestResult result) {}

  /** Every request series that can happen (a put is served by WARM only, and so on). */
  private static List<RequestCombination> requestCombinations() {
    List<RequestCombination> all = new ArrayList<>();
    for (Operation op : Operation.values()) {
      RequestResult ok = hitOrSuccess(op);
      for (Tier t : servedBy(op)) {
        all.add(new RequestCombination(op, t, ok));
      }
      if (op == Operation.GET || op == Operation.SEARCH) {
        all.add(new RequestCombination(op, null, RequestResult.MISS));
      }
      all.add(new RequestCombination(op, null, RequestResult.ERROR));
    }
    return all;
  }

  /**
   * The counter of one request series: a {@link FunctionCounter} reading the store's count at each
   * scrape (the registry holds the counts weakly; this object holds them).
   */
  private FunctionCounter requestCounter(MetricNames n, Tags tags, RequestCombination c) {
    Tier tier = c.tier();
    return FunctionCounter.builder(
            n.requests(),
            requestCounts,
            counts -> counts.count(c.operation(), c.tier(), c.result()))
        .description("Requests by operation, the tier that served them, and result")
        .tags(tags)
        .tags(
            "operation",
            c.operation().label(),
            "tier",
            tier == null ? "none" : tier.label(),
            "result",
            c.result().label())
        .register(registry);
  }

  /**
   * The timer and error counter of a remote tier's backend operation, registered together at its
   * first call (both series then exist from that call on, the counter at 0 unless that call
   * failed); null for an in-process tier, or once the store's meters were removed. At most nine per
   * remote tier: the labels are enums.
   */
  @Nullable Backend backend(Tier tier, BackendOperation operation) {
    int i = tier.ordinal() * BackendOperation.values().length + operation.ordinal();
    Backend b = backend.get(i);
    if (b != null || !remoteTiers.contains(tier)) {
      return b;
    }
    synchronized (meters) {
      b = backend.get(i);
      if (b != null || removed) {
        return b;
      }
      Tags t = tags.and("tier", tier.label(), "operation", operation.label());
      DistributionDataPoint nativeDuration = null;
      Timer duration = null;
      if (nativeBackend != null) {
        nativeDuration = nativeBackend.series(t);
        nativeSeries.add(t);
      } else {
        duration =
            keep(
                Timer.builder(names.backendDuration())
                    .description("Time of one call to a remote tier backend, failed or not")
                    .tags(t)
                    .serviceLevelObjectives(backendSlo)
                    .register(registry));
      }
      b =
          new Backend(
              duration,
              nativeDuration,
              keep(
                  Counter.builder(names.backendErrors())
                      .description("Calls to a remote tier backend that failed")
                      .tags(t)
                      .register(registry)));
      backend.set(i, b);
      return b;
    }
  }

  private Timer sweepTimer(MetricNames n, Tags tags, String outcome, Duration[] slo) {
    return keep(
        Timer.builder(n.sweepDuration())
            .description("Time of one sweep (demotions, archival, stale copies)")
            .tags(tags)
            .tag("outcome", outcome)
            .serviceLevelObjectives(slo)
            .register(registry));
  }

  private void move(
      MetricNames n, Tags tags, Tier from, Tier to, MoveReason reason, Duration[] slo) {
    if (!kinds) { // with kinds, each kind has its own counters (kind())
      movements
          .computeIfAbsent(from, f -> new EnumMap<>(Tier.class))
          .computeIfAbsent(to, t -> new EnumMap<>(MoveReason.class))
          .put(reason, keep(movementCounter(n, tags, from, to, reason)));
    }
    movementDuration
        .computeIfAbsent(from, f -> new EnumMap<>(Tier.class))
        .computeIfAbsent(
            to,
            t ->
                keep(
                    Timer.builder(n.movementDuration())
                        .description("Time of one movement, copy and removal included")
                        .tags(tags)
                        .tags("from", from.label(), "to", to.label())
                        .serviceLevelObjectives(slo)
                        .register(registry)));
  }

  private Counter movementCounter(MetricNames n, Tags tags, Tier from, Tier to, MoveReason reason) {
    return Counter.builder(n.movements())
        .description("Memories moved (or copied, for promotions) between tiers")
        .tags(tags)
        .tags("from", from.label(), "to", to.label(), "reason", reason.label())
        .register(registry);
  }

  private <M extends Meter> M keep(M meter) {
    synchronized (meters) {
      meters.add(meter);
    }
    return meter;
  }

  Timer requestDuration(Operation operation) {
    return Objects.requireNonNull(requestDuration.get(operation));
  }

  /** The movement counter, or null if the store never moves that way for that reason. */
  @Nullable Counter movement(Tier from, Tier to, MoveReason reason) {
    EnumMap<Tier, EnumMap<MoveReason, Counter>> byTo = movements.get(from);
    EnumMap<MoveReason, Counter> byReason = byTo == null ? null : byTo.get(to);
    return byReason == null ? null : byReason.get(reason);
  }

  /**
   * The movement counter of a memory of kind {@code kind} (a label of the store's capped set), or
   * null if the store never moves that way for that reason.
   */
  @Nullable Counter movement(Tier from, Tier to, MoveReason reason, String kind) {
    EnumMap<Tier, EnumMap<MoveReason, Counter>> byTo = kind(kind).movements.get(from);
    EnumMap<MoveReason, Counter> byReason = byTo == null ? null : byTo.get(to);
    return byReason == null ? null : byReason.get(reason);
  }

  /** Whether the store has kinds: its gauges and movement counters carry a {@code kind} tag. */
  boolean kinds() {
    return kinds;
  }

  @Nullable Timer movementDuration(Tier from, Tier to) {
    EnumMap<Tier, Timer> byTo = movementDuration.get(from);
    return byTo == null ? null : byTo.get(to);
  }

  Counter evictions(Tier tier) {
    return Objects.requireNonNull(evictions.get(tier));
  }

  Timer sweep(boolean success) {
    return success ? sweepSucceeded : sweepFailed;
  }

  /** Results per recall of {@code source}; a source outside {@link RecallSource#KNOWN} is other. */
  DistributionSummary recallResults(String source) {
    DistributionSummary s = recallResults.get(source);
    return s != null ? s : otherRecallResults;
  }

  Counter recalled(Tier tier) {
    return Objects.requireNonNull(recalled.get(tier));
  }

  private DistributionSummary recallResults(MetricNames n, Tags tags, String source) {
    return keep(
        DistributionSummary.builder(n.recallResults())
            .description("Memories returned per recall (a search, or a get through an adapter)")
            .tags(tags)
            .tag("source", source)
            .serviceLevelObjectives(1, 2, 3, 5, 10, 20, 50, 100)
            .register(registry));
  }

  DistributionSummary searchTopSimilarity() {
    return searchTopSimilarity;
  }

  /** Sets the plan gauge of {@code reason} (a reason a sweep never plans is ignored). */
  void planPending(MoveReason reason, int moves) {
    AtomicLong due = planPending.get(reason);
    if (due != null) {
      due.set(moves);
    }
  }

  /** Sets a tier's item and byte gauges (a negative count: the count failed, keep the last). */
  void tierHolds(Tier tier, long itemCount, long byteCount) {
    if (itemCount >= 0 && !kinds) {
      Objects.requireNonNull(items.get(tier)).set(itemCount);
      Objects.requireNonNull(bytes.get(tier)).set(byteCount);
    }
  }

  /**
   * Sets every kind's item and byte gauges from a count: a kind the tier holds none of reads 0; a
   * tier that was not counted keeps its last values.
   */
  void kindsHold(KindStats stats) {
    for (String label : stats.kinds()) {
      kind(label);
    }
    for (Map.Entry<Tier, Map<String, KindCount>> e : stats.tiers().entrySet()) {
      Tier t = e.getKey();
      for (Map.Entry<String, KindMeters> k : byKind.entrySet()) {
        KindCount c = e.getValue().getOrDefault(k.getKey(), KindCount.ZERO);
        Objects.requireNonNull(k.getValue().items.get(t)).set(c.items());
        Objects.requireNonNull(k.getValue().bytes.get(t)).set(c.bytes());
      }
    }
  }

  /** Removes every meter of the store from the registry. */
  void remove() {
    synchronized (meters) {
      removed = true;
      for (Meter m : meters) {
        registry.remove(m);
      }
      if (nativeBackend != null) {
        nativeSeries.forEach(nativeBackend::remove);
      }
    }
  }

  /** Records a request's duration ({@code durationNanos < 0}: not timed). */
  static void record(@Nullable Timer timer, long durationNanos) {
    if (timer != null && durationNanos >= 0) {
      timer.record(durationNanos, TimeUnit.NANOSECONDS);
    }
  }
}
