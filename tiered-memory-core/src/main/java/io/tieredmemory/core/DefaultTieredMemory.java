package io.tieredmemory.core;

import io.tieredmemory.core.internal.Validation;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.EventLog;
import io.tieredmemory.core.spi.HistoryLog;
import io.tieredmemory.core.spi.KeyCoordinator;
import io.tieredmemory.core.spi.Location;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierObserver;
import io.tieredmemory.core.spi.TierStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The {@link TieredMemory} implementation: wiring and lifecycle. The request paths live in {@link
 * Reads}, {@link Writes} and {@link Searches}, moves in {@link Mover}, sweeps in {@link Sweeper}.
 */
final class DefaultTieredMemory implements TieredMemory {
  private static final System.Logger LOG = System.getLogger(DefaultTieredMemory.class.getName());

  private final String name;
  private final TieringPolicy policy;
  private final Clock clock;
  private final @Nullable CoarseClock coarse;
  private final MemoryLimits limits;
  private final Signals signals = new Signals();
  private final TierHandle[] all;
  private final KeyCoordinator coordinator;
  private final Sweeper sweeper;
  private final Reads reads;
  private final Writes writes;
  private final Searches searches;
  private final Embedder embedder;
  private final int embedderDimension;
  private final String embedderName;
  private final HistoryRecorder history;
  private final ReadMover readMover;
  private final @Nullable KindLabels kinds;
  private @Nullable ScheduledExecutorService scheduler;
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile boolean closed;

  private DefaultTieredMemory(
      TieredMemory.Builder b, TierStore hotStore, TierStore warmStore, TierStore coldStore) {
    this.name = b.name;
    this.policy = b.policy;
    this.clock = b.clock;
    this.limits = b.limits;
    this.coordinator = b.coordinator != null ? b.coordinator : KeyCoordinator.inProcess();
    TierHandle hot = new TierHandle(Tier.HOT, hotStore, signals, name, clock);
    TierHandle warm = new TierHandle(Tier.WARM, warmStore, signals, name, clock);
    TierHandle cold = new TierHandle(Tier.COLD, coldStore, signals, name, clock);
    this.all = new TierHandle[] {hot, warm, cold};
    KeyLocks locks = new KeyLocks(coordinator);
    StaleCopies staleHot = new StaleCopies();
    ReadWindows readWindows = new ReadWindows(policy.promotion(), 100_000);
    this.history = recorder(b, warmStore);
    this.kinds = b.kinds == null ? null : new KindLabels(b.kinds);
    Mover mover = new Mover(name, clock, hot, warm, cold, signals, locks, staleHot, history, kinds);
    this.sweeper =
        new Sweeper(name, clock, policy, hot, warm, cold, mover, readWindows, signals, history);
    this.coarse = CoarseClock.start(clock, name);
    Recalls recalls = new Recalls(name, clock, signals, b.recordQueryText, b.traceIds);
    this.readMover =
        ReadMover.create(
            name,
            b.readMoves,
            b.readMovesExecutor,
            hot.remote() || warm.remote() || cold.remote(),
            TieredMemory.Builder.MAX_PENDING_READ_MOVES);
    this.reads =
        new Reads(
            name,
            policy,
            clock,
            coarse,
            signals,
            all,
            locks,
            staleHot,
            sweeper,
            readWindows,
            mover,
            readMover,
            recalls);
    this.writes =
        new Writes(
            name,
            clock,
            signals,
            hot,
            warm,
            cold,
            locks,
            staleHot,
            readWindows,
            history,
            readMover);
    this.searches = new Searches(b.embedder, signals, all, recalls, mover);
    this.embedder = b.embedder;
    this.embedderDimension = b.embedder.dimension();
    this.embedderName = b.embedder.toString();
  }

  /** History on, off, or off because WARM keeps none (said by {@link #history(String)}). */
  private static HistoryRecorder recorder(TieredMemory.Builder b, TierStore warmStore) {
    String instance =
        b.instanceId != null ? b.instanceId : TieredMemory.Builder.defaultInstanceId();
    if (!b.history) {
      return HistoryRecorder.off(
          b.name,
          instance,
          b.clock,
          "store '"
              + b.name
              + "' keeps no history: it is off (TieredMemory.Builder.history(true) turns it on)");
    }
    Optional<HistoryLog> log = warmStore.history();
    if (log.isEmpty()) {
      return HistoryRecorder.off(
          b.name,
          instance,
          b.clock,
          "store '"
              + b.name
              + "' keeps no history: its WARM tier, "
              + warmStore.kind()
              + " ("
              + warmStore.getClass().getName()
              + "), has no history log (TierStore.history())");
    }
    return HistoryRecorder.on(
        b.name, instance, b.clock, log.get(), b.historyRetention, b.historyPerKey, b.historyQueue);
  }

  static TieredMemory create(
      TieredMemory.Builder b, TierStore hotStore, TierStore warmStore, TierStore coldStore) {
    if (hotStore == warmStore || warmStore == coldStore || hotStore == coldStore) {
      throw new IllegalArgumentException(
          "hot, warm and cold must be three distinct TierStore instances");
    }
    if (warmStore.directory().isEmpty() || warmStore.journal().isEmpty()) {
      throw new IllegalArgumentException(
          "warm must keep an archive directory and a reconcile journal (TierStore.directory() and"
              + " journal()), as PostgresTierStore and InProcessTiers.warm(...) do; "
              + warmStore.kind()
              + " ("
              + warmStore.getClass().getName()
              + ") does not");
    }
    DefaultTieredMemory store = new DefaultTieredMemory(b, hotStore, warmStore, coldStore);
    List<TierObserver> observers = new ArrayList<>(b.observers);
    if (b.discoverObservers) {
      Set<Class<?>> explicit = new HashSet<>();
      b.observers.forEach(o -> explicit.add(o.getClass()));
      for (TierObserver.Provider p : ServiceLoader.load(TierObserver.Provider.class)) {
        TierObserver o = p.observerFor(b.name);
        if (o != null && o != TierObserver.NOOP && !explicit.contains(o.getClass())) {
          observers.add(o);
        }
      }
    }
    List<TierObserver> attached = new ArrayList<>();
    try {
      Signals.checkObservers(observers);
      for (TierObserver o : observers) {
        if (!o.wantsUntimedGets()) {
          o.requestCounts(store.signals.counts());
        }
        o.attached(store);
        attached.add(o);
      }
    } catch (RuntimeException e) {
      // A build that fails leaves nothing behind: no binding, no clock thread.
      store.signals.attach(attached);
      store.signals.detached(store);
      CoarseClock.stop(store.coarse);
      store.history.close();
      throw e;
    }
    store.signals.attach(observers);
    try {
      store.sweeper.trustHot();
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "store '"
              + b.name
              + "': HOT copies noted as possibly stale could not be removed at start; reads skip"
              + " HOT until a sweep manages it",
          e);
    }
    if (b.sweepInterval != null) {
      store.startSweeps(b.sweepInterval);
    }
    return store;
  }

  private void startSweeps(Duration interval) {
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tiered-memory-sweeper-" + name);
              t.setDaemon(true);
              return t;
            });
    long millis = interval.toMillis();
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            if (!closed) {
              sweeper.sweep();
            }
          } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "store '" + name + "': scheduled sweep failed", e);
          }
        },
        millis,
        millis,
        TimeUnit.MILLISECONDS);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String instanceId() {
    return history.instance();
  }

  @Override
  public Optional<EventLog> eventLog() {
    return all[Tier.WARM.ordinal()].store.eventLog();
  }

  @Override
  public TieringPolicy policy() {
    return policy;
  }

  @Override
  public TierView tier(Tier tier) {
    return all[Validation.requireNonNull("tier", tier).ordinal()];
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public Embedder embedder() {
    return embedder;
  }

  @Override
  public Memory put(String key, String content, Map<String, String> metadata) {
    ensureOpen();
    limits.checkKey(key);
    limits.checkContent(key, content);
    limits.checkMetadata(key, metadata);
    return writes.put(key, content, metadata, null);
  }

  @Override
  public Memory put(MemoryWrite write) {
    ensureOpen();
    check(Validation.requireNonNull("write", write));
    return writes.put(write.key(), write.content(), write.metadata(), write.embedding());
  }

  private void check(MemoryWrite w) {
    limits.checkKey(w.key());
    limits.checkContent(w.key(), w.content());
    limits.checkMetadata(w.key(), w.metadata());
    float[] e = w.embedding();
    if (e != null) {
      checkVector("embedding of key " + MemoryLimits.quote(w.key()), e);
    }
  }

  /** A vector must have the embedder's dimension and finite values: a search could not rank it. */
  private void checkVector(String what, float[] v) {
    if (v.length != embedderDimension) {
      throw new IllegalArgumentException(
          what
              + " must have "
              + embedderDimension
              + " dimensions (the store's embedder, "
              + embedderName
              + "), had "
              + v.length);
    }
    for (int i = 0; i < v.length; i++) {
      if (!Float.isFinite(v[i])) {
        throw new IllegalArgumentException(what + " must be finite, was " + v[i] + " at " + i);
      }
    }
  }

  @Override
  public List<Memory> putAll(List<MemoryWrite> batch) {
    ensureOpen();
    Validation.requireNonNull("writes", batch);
    for (MemoryWrite w : batch) {
      check(Validation.requireNonNull("writes[i]", w));
    }
    List<Memory> stored = new ArrayList<>(batch.size());
    for (MemoryWrite w : batch) {
      stored.add(writes.put(w.key(), w.content(), w.metadata(), w.embedding()));
    }
    return stored;
  }

  @Override
  public boolean delete(String key) {
    ensureOpen();
    limits.checkKey(key);
    return writes.delete(key);
  }

  @Override
  public Optional<Memory> get(String key) {
    ensureOpen();
    limits.checkKey(key); // before any tier is asked, HOT included
    return reads.get(key, null);
  }

  @Override
  public Optional<Memory> get(String key, String source) {
    ensureOpen();
    limits.checkKey(key);
    RecallSource.check(source);
    return reads.get(key, source);
  }

  @Override
  public Map<String, Memory> getAll(Collection<String> keys) {
    ensureOpen();
    Validation.requireNonNull("keys", keys);
    List<String> wanted = Reads.distinct(keys);
    for (String k : wanted) {
      limits.checkKey(k);
    }
    return wanted.isEmpty() ? Map.of() : reads.getAll(wanted);
  }

  @Override
  public List<SearchHit> search(String text, int k) {
    return search(SearchRequest.text(text, k));
  }

  @Override
  public List<SearchHit> search(SearchRequest request) {
    ensureOpen();
    Validation.requireNonNull("request", request);
    float[] v = request.vector();
    if (v != null) {
      checkVector("request.vector", v);
    }
    return searches.search(request);
  }

  @Override
  public SweepResult sweep() {
    ensureOpen();
    return sweeper.sweep();
  }

  @Override
  public SweepPlan plan(int limit) {
    ensureOpen();
    Validation.requireAtLeast("limit", limit, 0);
    return sweeper.plan(limit);
  }

  @Override
  public MemoryHistory history(String key) {
    ensureOpen();
    limits.checkKey(key);
    List<HistoryEntry> entries = history.read(key);
    TierHandle warm = all[Tier.WARM.ordinal()];
    Location where;
    try {
      where = warm.store.directory().orElseThrow().peekLocations(List.of(key)).get(key);
    } catch (RuntimeException e) {
      throw new TieredMemoryException(
          "history of key "
              + MemoryLimits.quote(key)
              + ": the WARM tier ("
              + warm.store.kind()
              + ") could not say where it lives: "
              + e.getMessage(),
          e);
    }
    if (where == null) {
      return new MemoryHistory(key, null, 0, entries);
    }
    if (where instanceof Location.Archived) {
      return new MemoryHistory(key, Tier.COLD, where.version(), entries);
    }
    Tier tier = Tier.WARM;
    try {
      StoredMemory inHot = all[Tier.HOT.ordinal()].store.peek(key);
      if (inHot != null && inHot.version() == where.version()) {
        tier = Tier.HOT;
      }
    } catch (RuntimeException e) {
      // HOT unreachable: WARM holds it, which is where reads find it now.
    }
    return new MemoryHistory(key, tier, where.version(), entries);
  }

  @Override
  public long readMovesDropped() {
    return readMover.dropped();
  }

  @Override
  public long historyDropped() {
    return history.dropped();
  }

  @Override
  public StoreStats stats() {
    ensureOpen();
    Map<Tier, TierStats> tiers = new EnumMap<>(Tier.class);
    for (TierHandle h : all) {
      long items;
      long bytes;
      try {
        items = h.count();
        bytes = h.bytes();
      } catch (RuntimeException e) {
        items = -1;
        bytes = -1;
      }
      tiers.put(h.tier, new TierStats(h.store.kind(), items, bytes));
    }
    return new StoreStats(name, clock.instant(), tiers);
  }

  @Override
  public Optional<Kinds> kinds() {
    KindLabels k = kinds;
    return k == null ? Optional.empty() : Optional.of(k.kinds());
  }

  @Override
  public KindStats kindStats() {
    ensureOpen();
    KindLabels k = kinds;
    if (k == null) {
      throw new IllegalStateException(
          "store '"
              + name
              + "' has no kinds configured: set TieredMemory.Builder.kinds, e.g."
              + " Kinds.byMetadata(\"kind\")");
    }
    Map<Tier, Map<String, KindCount>> raw = new EnumMap<>(Tier.class);
    for (TierHandle h : all) {
      try {
        h.countByKind(k.kinds()).ifPresent(counts -> raw.put(h.tier, counts));
      } catch (RuntimeException e) {
        // Reported by the handle (BackendFailed); the tier is left out of the counts.
      }
    }
    k.admitLargestFirst(raw.values());
    Map<Tier, Map<String, KindCount>> byLabel = new EnumMap<>(Tier.class);
    raw.forEach((tier, counts) -> byLabel.put(tier, k.fold(counts)));
    // Taken after folding: every label a fold produced has been admitted by then.
    List<String> labels = k.labels();
    Map<Tier, Map<String, KindCount>> tiers = new EnumMap<>(Tier.class);
    byLabel.forEach(
        (tier, counts) -> {
          Map<String, KindCount> all = new LinkedHashMap<>();
          for (String l : labels) {
            all.put(l, counts.getOrDefault(l, KindCount.ZERO));
          }
          tiers.put(tier, Collections.unmodifiableMap(all));
        });
    return new KindStats(name, clock.instant(), labels, tiers);
  }

  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    closed = true;
    if (scheduler != null) {
      // Let a sweep in progress finish its step rather than interrupt a backend call halfway.
      scheduler.shutdown();
      try {
        if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
          scheduler.shutdownNow();
          scheduler.awaitTermination(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        scheduler.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    // Moves under way finish (they queue history entries); those waiting are dropped.
    readMover.close(10_000);
    // After the sweeps and moves stopped (their moves queue entries), before WARM closes.
    history.close();
    for (TierHandle h : all) {
      try {
        h.store.flush();
      } catch (RuntimeException e) {
        warn("flush of " + h.tier.label() + " failed on close", e);
      }
      try {
        h.store.close();
      } catch (RuntimeException e) {
        warn("closing " + h.tier.label() + " failed", e);
      }
    }
    try {
      coordinator.close();
    } catch (RuntimeException e) {
      warn("closing the coordinator failed", e);
    }
    signals.detached(this);
    CoarseClock.stop(coarse);
  }

  private void warn(String what, Exception e) {
    LOG.log(System.Logger.Level.WARNING, "store '" + name + "': " + what, e);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("store '" + name + "' is closed");
    }
  }

  @Override
  public String toString() {
    return "TieredMemory[name="
        + name
        + ", hot="
        + all[0].store.kind()
        + ", warm="
        + all[1].store.kind()
        + ", cold="
        + all[2].store.kind()
        + "]";
  }
}
