package io.tieredmemory.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tieredmemory.core.BackendOperation;
import io.tieredmemory.core.Operation;
import io.tieredmemory.core.RequestResult;
import io.tieredmemory.core.StoreStats;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TierStats;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.spi.TierObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records a store's observer calls into meters registered once, up front, in arrays indexed by enum
 * ordinals: a call does array lookups and an increment, no name or tag lookup, no allocation. Item
 * and byte gauges read values a background task refreshes from {@link TieredMemory#stats()}, so a
 * scrape never calls a tier. {@link #close()} removes every meter.
 */
final class MicrometerTierObserver implements TierObserver, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(MicrometerTierObserver.class.getName());
  private static final int NONE = 3; // index for "no tier" in tier-indexed arrays
  private static final MoveReason[] REASONS = MoveReason.values();

  private final MeterRegistry registry;
  private final TieredMemory store;
  private final List<Meter> meters = new ArrayList<>();
  private final Counter[][][] requests; // [operation][tier or NONE][result]
  private final Timer[] requestDuration; // [operation]
  private final Timer[][][] backendDuration; // [tier][operation][0 success, 1 error]
  private final Counter[][][] movements; // [from][to][reason]
  private final Timer[][] movementDuration; // [from][to]
  private final Counter[] evictions; // [tier]
  private final Timer[] sweepDuration; // [0 success, 1 error]
  private final DistributionSummary searchTopSimilarity;
  // Strong references: Micrometer gauges hold their state object weakly.
  private final AtomicLong[] items = new AtomicLong[3];
  private final AtomicLong[] bytes = new AtomicLong[3];
  private final ScheduledFuture<?> refresh;
  // Per tier: calls failed in a row (0 after any success), and whether the last count failed.
  private final java.util.concurrent.atomic.AtomicInteger[] failuresInRow =
      new java.util.concurrent.atomic.AtomicInteger[3];
  private final boolean[] countFailed = new boolean[3];

  MicrometerTierObserver(TieredMemory store, MeterRegistry registry, MetricsOptions options) {
    this.registry = registry;
    this.store = store;
    MetricNames n = options.names();
    String name = store.name();
    Duration[] requestSlo = options.requestBuckets().toArray(new Duration[0]);
    Duration[] backendSlo = options.backendBuckets().toArray(new Duration[0]);

    requests = new Counter[Operation.values().length][4][RequestResult.values().length];
    requestDuration = new Timer[Operation.values().length];
    for (Operation op : Operation.values()) {
      for (Tier t : served(op)) {
        requests[op.ordinal()][t.ordinal()][hitOrSuccess(op).ordinal()] =
            request(n, name, op, t.label(), hitOrSuccess(op));
      }
      if (op == Operation.GET || op == Operation.SEARCH) {
        requests[op.ordinal()][NONE][RequestResult.MISS.ordinal()] =
            request(n, name, op, "none", RequestResult.MISS);
      }
      requests[op.ordinal()][NONE][RequestResult.ERROR.ordinal()] =
          request(n, name, op, "none", RequestResult.ERROR);
      requestDuration[op.ordinal()] =
          keep(
              Timer.builder(n.requestDuration())
                  .description("Time from a call to its result (moves it causes excluded)")
                  .tags("store", name, "operation", op.label())
                  .serviceLevelObjectives(requestSlo)
                  .register(registry));
    }

    backendDuration = new Timer[3][BackendOperation.values().length][2];
    for (Tier t : Tier.values()) {
      if (!store.tier(t).isRemote()) {
        continue; // in-process tiers are never timed separately
      }
      for (BackendOperation op : BackendOperation.values()) {
        for (int outcome = 0; outcome < 2; outcome++) {
          backendDuration[t.ordinal()][op.ordinal()][outcome] =
              keep(
                  Timer.builder(n.backendDuration())
                      .description("Time of one call to a remote tier backend")
                      .tags(
                          "store",
                          name,
                          "tier",
                          t.label(),
                          "operation",
                          op.label(),
                          "outcome",
                          outcome == 0 ? "success" : "error")
                      .serviceLevelObjectives(backendSlo)
                      .register(registry));
        }
      }
    }

    movements = new Counter[3][3][REASONS.length];
    movementDuration = new Timer[3][3];
    move(n, name, Tier.WARM, Tier.HOT, MoveReason.READ_FREQUENCY, requestSlo);
    move(n, name, Tier.WARM, Tier.HOT, MoveReason.COLD_READ, requestSlo);
    move(n, name, Tier.HOT, Tier.WARM, MoveReason.HOT_IDLE, requestSlo);
    move(n, name, Tier.HOT, Tier.WARM, MoveReason.HOT_CAPACITY, requestSlo);
    move(n, name, Tier.WARM, Tier.COLD, MoveReason.WARM_IDLE, requestSlo);
    move(n, name, Tier.COLD, Tier.WARM, MoveReason.COLD_READ, requestSlo);

    evictions = new Counter[3];
    for (Tier t : Tier.values()) {
      evictions[t.ordinal()] =
          keep(
              Counter.builder(n.evictions())
                  .description("Stale copies dropped from a tier (older than the latest version)")
                  .tags("store", name, "tier", t.label(), "reason", MoveReason.STALE_COPY.label())
                  .register(registry));
    }

    sweepDuration = new Timer[2];
    for (int outcome = 0; outcome < 2; outcome++) {
      sweepDuration[outcome] =
          keep(
              Timer.builder(n.sweepDuration())
                  .description("Time of one sweep (demotions, archival, stale copies)")
                  .tags("store", name, "outcome", outcome == 0 ? "success" : "error")
                  .serviceLevelObjectives(requestSlo)
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
                .tags("store", name)
                .serviceLevelObjectives(10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 100)
                .register(registry));

    for (Tier t : Tier.values()) {
      failuresInRow[t.ordinal()] = new java.util.concurrent.atomic.AtomicInteger();
      AtomicLong i = new AtomicLong(-1);
      AtomicLong b = new AtomicLong(-1);
      items[t.ordinal()] = i;
      bytes[t.ordinal()] = b;
      keep(
          Gauge.builder(n.items(), i, MicrometerTierObserver::known)
              .description(
                  "Memories held by a tier (HOT is a cache of WARM: HOT items are in WARM too)")
              .tags("store", name, "tier", t.label())
              .register(registry));
      keep(
          Gauge.builder(n.bytes(), b, MicrometerTierObserver::known)
              .description("Approximate UTF-8 bytes of keys, content and metadata held by a tier")
              .baseUnit("bytes")
              .tags("store", name, "tier", t.label())
              .register(registry));
    }
    refreshStats();
    long every = options.statsRefresh().toMillis();
    refresh =
        StatsRefresher.SCHEDULER.scheduleWithFixedDelay(
            this::refreshStats, every, every, TimeUnit.MILLISECONDS);
  }

  private static double known(AtomicLong v) {
    long x = v.get();
    return x < 0 ? Double.NaN : x;
  }

  /** The tiers a successful request of {@code op} can be attributed to. */
  private static List<Tier> served(Operation op) {
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

  private Counter request(MetricNames n, String store, Operation op, String tier, RequestResult r) {
    return keep(
        Counter.builder(n.requests())
            .description("Requests by operation, the tier that served them, and result")
            .tags("store", store, "operation", op.label(), "tier", tier, "result", r.label())
            .register(registry));
  }

  private void move(
      MetricNames n, String store, Tier from, Tier to, MoveReason reason, Duration[] slo) {
    movements[from.ordinal()][to.ordinal()][reason.ordinal()] =
        keep(
            Counter.builder(n.movements())
                .description("Memories moved (or copied, for promotions) between tiers")
                .tags(
                    "store",
                    store,
                    "from",
                    from.label(),
                    "to",
                    to.label(),
                    "reason",
                    reason.label())
                .register(registry));
    if (movementDuration[from.ordinal()][to.ordinal()] == null) {
      movementDuration[from.ordinal()][to.ordinal()] =
          keep(
              Timer.builder(n.movementDuration())
                  .description("Time of one movement, copy and removal included")
                  .tags("store", store, "from", from.label(), "to", to.label())
                  .serviceLevelObjectives(slo)
                  .register(registry));
    }
  }

  private <M extends Meter> M keep(M meter) {
    meters.add(meter);
    return meter;
  }

  void refreshStats() {
    try {
      StoreStats stats = store.stats();
      for (Tier t : Tier.values()) {
        TierStats s = stats.tier(t);
        countFailed[t.ordinal()] = s.items() < 0;
        if (s.items() >= 0) {
          items[t.ordinal()].set(s.items());
          bytes[t.ordinal()].set(s.bytes());
        }
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "stats refresh of store '" + store.name() + "' failed", e);
    }
  }

  @Override
  public void requestCompleted(
      Operation operation, Tier tier, RequestResult result, long durationNanos) {
    Counter c =
        requests[operation.ordinal()][tier == null ? NONE : tier.ordinal()][result.ordinal()];
    if (c != null) {
      c.increment();
    }
    if (durationNanos >= 0) {
      requestDuration[operation.ordinal()].record(durationNanos, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void backendCallCompleted(
      Tier tier, BackendOperation operation, boolean success, long durationNanos) {
    if (success) {
      failuresInRow[tier.ordinal()].set(0);
    } else {
      failuresInRow[tier.ordinal()].incrementAndGet();
    }
    Timer t = backendDuration[tier.ordinal()][operation.ordinal()][success ? 0 : 1];
    if (t != null) {
      t.record(durationNanos, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void movementCompleted(Tier from, Tier to, MoveReason reason, long durationNanos) {
    Counter c = movements[from.ordinal()][to.ordinal()][reason.ordinal()];
    if (c != null) {
      c.increment();
    }
    Timer t = movementDuration[from.ordinal()][to.ordinal()];
    if (t != null) {
      t.record(durationNanos, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void evicted(Tier tier, MoveReason reason) {
    evictions[tier.ordinal()].increment();
  }

  @Override
  public void sweepCompleted(boolean success, long durationNanos) {
    sweepDuration[success ? 0 : 1].record(durationNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void searchCompleted(int hits, double topSimilarity) {
    if (hits > 0) {
      searchTopSimilarity.record(topSimilarity);
    }
  }

  /** Requests counted so far, by operation, tier (null: none) and result; 0 if not a series. */
  double requestCount(Operation op, Tier tier, RequestResult result) {
    Counter c = requests[op.ordinal()][tier == null ? NONE : tier.ordinal()][result.ordinal()];
    return c == null ? 0 : c.count();
  }

  /** Movements counted so far. */
  double movementCount(Tier from, Tier to, MoveReason reason) {
    Counter c = movements[from.ordinal()][to.ordinal()][reason.ordinal()];
    return c == null ? 0 : c.count();
  }

  /**
   * Whether a tier answers: its last call did not fail and its last count (by the gauge refresh)
   * did not fail. In-process tiers always answer.
   */
  boolean up(Tier tier) {
    return failuresInRow[tier.ordinal()].get() == 0 && !countFailed[tier.ordinal()];
  }

  /** The last refreshed item count of a tier (-1 if unknown). */
  long items(Tier tier) {
    return items[tier.ordinal()].get();
  }

  /** The last refreshed byte count of a tier (-1 if unknown). */
  long bytes(Tier tier) {
    return bytes[tier.ordinal()].get();
  }

  TieredMemory store() {
    return store;
  }

  @Override
  public void close() {
    refresh.cancel(false);
    for (Meter m : meters) {
      registry.remove(m);
    }
    TieredMemoryMetrics.unbound(this);
  }
}
