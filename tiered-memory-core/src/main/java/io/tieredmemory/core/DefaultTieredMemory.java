package io.tieredmemory.core;

import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.event.TierEventListener;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.ScoredMemory;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierEventListenerFactory;
import io.tieredmemory.core.spi.TierObserver;
import io.tieredmemory.core.spi.TierObserverFactory;
import io.tieredmemory.core.spi.TierStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The {@link TieredMemory} implementation. See the interface for the contract. */
final class DefaultTieredMemory implements TieredMemory {
  private static final System.Logger LOG = System.getLogger(DefaultTieredMemory.class.getName());
  private static final int MAX_SEARCH_K = 1000;
  private static final int STALE_DRAIN_THRESHOLD = 10_000;

  /** In-process HOT hits are timed one in this many (a power of two); every one is counted. */
  static final int HOT_HIT_SAMPLE = 16;

  private final String name;
  private final TieringPolicy policy;
  private final Clock clock;
  private final CoarseClock coarse;
  // Racy on purpose: it only spreads the timing samples, a lost increment changes nothing.
  private int hotHitTick;
  private final Embedder embedder;
  private final MemoryLimits limits;
  private final Signals signals;
  private final TierHandle hot;
  private final TierHandle warm;
  private final TierHandle cold;
  private final TierHandle[] all;
  private final io.tieredmemory.core.spi.KeyCoordinator coordinator;
  private final KeyLocks locks;
  private final ReadWindows readWindows;
  private final StaleCopies staleHot = new StaleCopies();
  private final StaleCopies staleCold = new StaleCopies();
  private final Mover mover;
  private final Sweeper sweeper;
  private final List<Object> ownedOutlets = new ArrayList<>();
  private ScheduledExecutorService scheduler;
  private final java.util.concurrent.atomic.AtomicBoolean closing =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile boolean closed;

  private DefaultTieredMemory(
      TieredMemory.Builder b, TierStore hotStore, TierStore warmStore, TierStore coldStore) {
    this.name = b.name;
    this.policy = b.policy;
    this.clock = b.clock;
    this.coarse = CoarseClock.forClock(b.clock);
    this.embedder = b.embedder;
    this.limits = b.limits;
    this.signals = new Signals();
    this.coordinator = b.coordinator;
    this.locks = new KeyLocks(1024, b.coordinator);
    this.hot = new TierHandle(Tier.HOT, hotStore, signals, name, clock);
    this.warm = new TierHandle(Tier.WARM, warmStore, signals, name, clock);
    this.cold = new TierHandle(Tier.COLD, coldStore, signals, name, clock);
    this.all = new TierHandle[] {hot, warm, cold};
    this.readWindows = new ReadWindows(policy.promotion(), 100_000);
    this.mover =
        new Mover(
            name,
            clock,
            hot,
            warm,
            cold,
            signals,
            locks,
            staleHot,
            staleCold,
            new Journal(
                warmStore instanceof io.tieredmemory.core.spi.ReconcileJournal j ? j : null));
    this.sweeper =
        new Sweeper(
            name, clock, policy, hot, warm, cold, mover, staleHot, staleCold, readWindows, signals);
  }

  static TieredMemory create(
      TieredMemory.Builder b, TierStore hotStore, TierStore warmStore, TierStore coldStore) {
    if (hotStore == warmStore || warmStore == coldStore || hotStore == coldStore) {
      throw new IllegalArgumentException(
          "hot, warm and cold must be three distinct TierStore instances");
    }
    DefaultTieredMemory store = new DefaultTieredMemory(b, hotStore, warmStore, coldStore);
    List<TierObserver> observers = new ArrayList<>(b.observers);
    List<TierEventListener> listeners = new ArrayList<>(b.listeners);
    for (TierObserverFactory f : b.observerFactories) {
      TierObserver o = f.create(store);
      if (o != null && o != TierObserver.NOOP) {
        observers.add(o);
        store.ownedOutlets.add(o);
      }
    }
    for (TierEventListenerFactory f : b.listenerFactories) {
      TierEventListener l = f.create(store);
      if (l != null) {
        listeners.add(l);
        store.ownedOutlets.add(l);
      }
    }
    if (b.autoDiscover) {
      for (TierObserverFactory f : ServiceLoader.load(TierObserverFactory.class)) {
        TierObserver o = f.create(store);
        if (o != null && o != TierObserver.NOOP) {
          observers.add(o);
          store.ownedOutlets.add(o);
        }
      }
      for (TierEventListenerFactory f : ServiceLoader.load(TierEventListenerFactory.class)) {
        TierEventListener l = f.create(store);
        if (l != null) {
          listeners.add(l);
          store.ownedOutlets.add(l);
        }
      }
    }
    store.signals.attach(observers, listeners);
    try {
      store.sweeper.verifyHot();
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "store '"
              + b.name
              + "': HOT could not be checked against WARM at start; reads skip HOT"
              + " until a sweep manages it",
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
  public TieringPolicy policy() {
    return policy;
  }

  @Override
  public TierStore tier(Tier tier) {
    return all[tier.ordinal()].store;
  }

  @Override
  public Clock clock() {
    return clock;
  }

  // ---------------------------------------------------------------- writes

  @Override
  public Memory put(String key, String content, Map<String, String> metadata) {
    ensureOpen();
    limits.checkKey(key);
    limits.checkContent(key, content);
    limits.checkMetadata(key, metadata);
    return write(key, content, metadata);
  }

  @Override
  public List<Memory> putAll(List<MemoryWrite> writes) {
    ensureOpen();
    Validation.requireNonNull("writes", writes);
    for (MemoryWrite w : writes) {
      Validation.requireNonNull("writes[i]", w);
      limits.checkKey(w.key());
      limits.checkContent(w.key(), w.content());
      limits.checkMetadata(w.key(), w.metadata());
    }
    List<Memory> stored = new ArrayList<>(writes.size());
    for (MemoryWrite w : writes) {
      stored.add(write(w.key(), w.content(), w.metadata()));
    }
    return stored;
  }

  private Memory write(String key, String content, Map<String, String> metadata) {
    long start = System.nanoTime();
    Instant now = clock.instant();
    long nowMillis = now.toEpochMilli();
    Memory proposal = new Memory(key, content, metadata, now, now, micros(now));
    StoredMemory stored;
    try (KeyLocks.Held held = locks.local(key)) {
      try {
        stored = warm.upsert(proposal, nowMillis);
      } catch (RuntimeException e) {
        signals.requestCompleted(
            Operation.PUT, null, RequestResult.ERROR, System.nanoTime() - start);
        throw new TieredMemoryException(
            "put of key "
                + MemoryLimits.quote(key)
                + " failed: the WARM tier ("
                + warm.store.kind()
                + ") did not store it; nothing was acknowledged, a retry is safe",
            e);
      }
      long version = stored.version();
      try {
        if (hot.copyIn(stored)) {
          // HOT now holds this exact version: an older mark (a failed write while HOT was down)
          // no longer applies, so reads may use HOT again for this key.
          staleHot.clearIfAtMost(key, version);
        } else {
          staleHot.add(key, version);
        }
      } catch (RuntimeException e) {
        // WARM has the write; HOT may hold an older copy, which reads skip until a sweep drops it.
        staleHot.add(key, version);
      }
      // COLD may hold an archived older version; the next sweep drops it.
      staleCold.add(key, version);
    }
    if (staleCold.size() > STALE_DRAIN_THRESHOLD) {
      drainStaleCold();
    }
    long nanos = System.nanoTime() - start;
    signals.requestCompleted(Operation.PUT, Tier.WARM, RequestResult.SUCCESS, nanos);
    if (signals.eventsWanted()) {
      signals.publish(new TierEvent.Put(name, now, key, stored.version(), Duration.ofNanos(nanos)));
    }
    return stored.memory();
  }

  private void drainStaleCold() {
    try {
      mover.dropStale(cold, staleCold, policy.sweepBatchSize());
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.DEBUG, "store '" + name + "': draining stale cold copies failed", e);
    }
  }

  @Override
  public boolean delete(String key) {
    ensureOpen();
    limits.checkKey(key);
    long start = System.nanoTime();
    Instant now = clock.instant();
    boolean existed = false;
    // Order matters: WARM first, so a promotion racing this delete sees WARM empty and withdraws
    // its HOT copy; COLD last, so a failure leaves the key readable (the delete is not
    // acknowledged) rather than half gone.
    KeyLocks.Held lock;
    try {
      lock = locks.exclusive(key);
    } catch (RuntimeException e) {
      signals.requestCompleted(
          Operation.DELETE, null, RequestResult.ERROR, System.nanoTime() - start);
      throw new TieredMemoryException(
          "delete of key "
              + MemoryLimits.quote(key)
              + " could not lock the key; nothing was deleted: "
              + e.getMessage(),
          e);
    }
    try (KeyLocks.Held held = lock) {
      try {
        existed |= warm.remove(key);
      } catch (RuntimeException e) {
        signals.requestCompleted(
            Operation.DELETE, null, RequestResult.ERROR, System.nanoTime() - start);
        throw new TieredMemoryException(
            "delete of key " + MemoryLimits.quote(key) + " failed in WARM; nothing was deleted", e);
      }
      try {
        existed |= hot.remove(key);
      } catch (RuntimeException e) {
        staleHot.add(key, Long.MAX_VALUE); // HOT is only a cache: drop whatever it holds later
      }
      try {
        existed |= cold.remove(key);
      } catch (RuntimeException e) {
        signals.requestCompleted(
            Operation.DELETE, null, RequestResult.ERROR, System.nanoTime() - start);
        throw new TieredMemoryException(
            "delete of key "
                + MemoryLimits.quote(key)
                + " failed in COLD; an archived copy may still be readable, retry",
            e);
      }
      readWindows.forget(key);
    }
    long nanos = System.nanoTime() - start;
    signals.requestCompleted(Operation.DELETE, Tier.WARM, RequestResult.SUCCESS, nanos);
    if (signals.eventsWanted()) {
      signals.publish(new TierEvent.Deleted(name, now, key, existed));
    }
    return existed;
  }

  // ---------------------------------------------------------------- reads

  @Override
  public Optional<Memory> get(String key) {
    ensureOpen();
    if (key == null) {
      limits.checkKey(key); // throws, naming the field
    }
    boolean observed = signals.observed();
    // Every request is counted; in-process HOT hits are timed one in HOT_HIT_SAMPLE, because two
    // clock reads would cost more than the hit itself.
    boolean timed = observed && (hot.remote() || (++hotHitTick & (HOT_HIT_SAMPLE - 1)) == 0);
    long start = timed ? System.nanoTime() : 0;
    long now = nowMillis();
    if (sweeper.hotVerified() && !staleHot.mayBeStale(key)) {
      Memory m = readHotQuietly(key, now);
      if (m != null) {
        // A key HOT holds was valid when it was stored: no need to check it again.
        signals.requestCompleted(
            Operation.GET, Tier.HOT, RequestResult.HIT, timed ? System.nanoTime() - start : -1);
        return Optional.of(m);
      }
    }
    limits.checkKey(key);
    if (observed && !timed) {
      start = System.nanoTime(); // from here on the HOT lookup's cost is noise
      timed = true;
    }
    Memory m;
    Tier servedBy = Tier.WARM;
    try {
      m = warm.read(key, now);
      if (m == null) {
        servedBy = Tier.COLD;
        m = cold.read(key, now);
      }
    } catch (RuntimeException e) {
      signals.requestCompleted(Operation.GET, null, RequestResult.ERROR, since(start, timed));
      throw new TieredMemoryException(
          "get of key "
              + MemoryLimits.quote(key)
              + " failed in "
              + describe(servedBy)
              + ": "
              + e.getMessage(),
          e);
    }
    if (m == null) {
      signals.requestCompleted(Operation.GET, null, RequestResult.MISS, since(start, timed));
      return Optional.empty();
    }
    // The serving tier is recorded before any movement the read causes.
    signals.requestCompleted(Operation.GET, servedBy, RequestResult.HIT, since(start, timed));
    afterRead(m, servedBy, now);
    return Optional.of(m);
  }

  /** "the COLD tier (chroma)", for error messages. */
  private String describe(Tier tier) {
    return "the " + tier.name() + " tier (" + all[tier.ordinal()].store.kind() + ")";
  }

  private static long since(long start, boolean timed) {
    return timed ? System.nanoTime() - start : -1;
  }

  private long nowMillis() {
    CoarseClock c = coarse;
    return c != null ? c.millis() : clock.millis();
  }

  private Memory readHotQuietly(String key, long now) {
    try {
      return hot.read(key, now);
    } catch (RuntimeException e) {
      return null; // reported by the handle; WARM serves the read
    }
  }

  @Override
  public Map<String, Memory> getAll(Collection<String> keys) {
    ensureOpen();
    Validation.requireNonNull("keys", keys);
    List<String> wanted = new ArrayList<>(new java.util.LinkedHashSet<>(keys));
    for (String k : wanted) {
      limits.checkKey(k);
    }
    if (wanted.isEmpty()) {
      return Map.of();
    }
    long start = System.nanoTime();
    long now = nowMillis();
    Map<String, Memory> found = new LinkedHashMap<>();
    Map<String, Tier> servedBy = new HashMap<>();
    List<String> remaining = new ArrayList<>();
    for (String k : wanted) {
      if (sweeper.hotVerified() && !staleHot.mayBeStale(k)) {
        remaining.add(k);
      }
    }
    try {
      collect(found, servedBy, hot.readAll(remaining, now), Tier.HOT);
    } catch (RuntimeException e) {
      // reported by the handle; WARM serves these reads
    }
    try {
      collect(found, servedBy, warm.readAll(missing(wanted, found), now), Tier.WARM);
      collect(found, servedBy, cold.readAll(missing(wanted, found), now), Tier.COLD);
    } catch (RuntimeException e) {
      long each = (System.nanoTime() - start) / wanted.size();
      for (int i = 0; i < wanted.size(); i++) {
        signals.requestCompleted(Operation.GET, null, RequestResult.ERROR, each);
      }
      throw new TieredMemoryException("getAll of " + wanted.size() + " keys failed", e);
    }
    long each = (System.nanoTime() - start) / wanted.size();
    for (String k : wanted) {
      Tier t = servedBy.get(k);
      signals.requestCompleted(
          Operation.GET, t, t == null ? RequestResult.MISS : RequestResult.HIT, each);
    }
    Map<String, Memory> result = new LinkedHashMap<>();
    for (String k : wanted) {
      Memory m = found.get(k);
      if (m != null) {
        result.put(k, m);
        afterRead(m, servedBy.get(k), now);
      }
    }
    return Collections.unmodifiableMap(result);
  }

  private static void collect(
      Map<String, Memory> found, Map<String, Tier> servedBy, Map<String, Memory> got, Tier tier) {
    for (Map.Entry<String, Memory> e : got.entrySet()) {
      found.put(e.getKey(), e.getValue());
      servedBy.put(e.getKey(), tier);
    }
  }

  private static List<String> missing(List<String> wanted, Map<String, Memory> found) {
    List<String> missing = new ArrayList<>();
    for (String k : wanted) {
      if (!found.containsKey(k)) {
        missing.add(k);
      }
    }
    return missing;
  }

  /** Promotion and rehydration after a read; failures are reported, never thrown to the reader. */
  private void afterRead(Memory m, Tier servedBy, long now) {
    try {
      if (servedBy == Tier.WARM) {
        if (readWindows.recordAndCheck(m.key(), now)) {
          mover.promote(m.key(), now, policy.promotion().decision());
        }
      } else if (servedBy == Tier.COLD && policy.rehydration().enabled()) {
        StoredMemory sm = new StoredMemory(m, 1, now);
        if (mover.rehydrate(sm, policy.rehydration().decision())) {
          if (policy.rehydration().promoteToHot()) {
            mover.promote(m.key(), now, policy.rehydration().decision());
          } else if (readWindows.recordAndCheck(m.key(), now)) {
            mover.promote(m.key(), now, policy.promotion().decision());
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.DEBUG,
          () -> "store '" + name + "': moving after a " + servedBy.label() + " read failed",
          e);
    }
  }

  // ---------------------------------------------------------------- search

  @Override
  public List<SearchHit> search(String text, int k) {
    ensureOpen();
    Validation.requireNonNull("text", text);
    if (k < 1 || k > MAX_SEARCH_K) {
      throw new IllegalArgumentException("k must be between 1 and " + MAX_SEARCH_K + ", was " + k);
    }
    long start = System.nanoTime();
    Map<String, SearchHit> best = new HashMap<>();
    Tier at = null;
    try {
      float[] vector = embedder.embed(text);
      for (TierHandle h : all) {
        if (!h.searchable()) {
          continue;
        }
        at = h.tier;
        for (ScoredMemory s : h.search(vector, text, k)) {
          merge(best, new SearchHit(s.memory(), h.tier, s.similarity()));
        }
      }
      at = Tier.WARM;
      refreshFromWarm(best, vector);
    } catch (RuntimeException e) {
      signals.requestCompleted(
          Operation.SEARCH, null, RequestResult.ERROR, System.nanoTime() - start);
      throw new TieredMemoryException(
          "search failed" + (at == null ? "" : " in " + describe(at)) + ": " + e.getMessage(), e);
    }
    List<SearchHit> hits = new ArrayList<>(best.values());
    hits.sort(
        (a, b) -> {
          int c = Double.compare(b.similarity(), a.similarity());
          return c != 0 ? c : a.memory().key().compareTo(b.memory().key());
        });
    if (hits.size() > k) {
      hits = new ArrayList<>(hits.subList(0, k));
    }
    long nanos = System.nanoTime() - start;
    Tier top = hits.isEmpty() ? null : hits.get(0).tier();
    signals.requestCompleted(
        Operation.SEARCH, top, hits.isEmpty() ? RequestResult.MISS : RequestResult.HIT, nanos);
    signals.searchCompleted(hits.size(), hits.isEmpty() ? Double.NaN : hits.get(0).similarity());
    return List.copyOf(hits);
  }

  private static void merge(Map<String, SearchHit> best, SearchHit hit) {
    best.merge(
        hit.memory().key(), hit, (a, b) -> b.memory().version() > a.memory().version() ? b : a);
  }

  /** A COLD hit may be an archived copy of a key rewritten since: serve WARM's version instead. */
  private void refreshFromWarm(Map<String, SearchHit> best, float[] vector) {
    List<String> coldKeys = new ArrayList<>();
    for (SearchHit h : best.values()) {
      if (h.tier() == Tier.COLD) {
        coldKeys.add(h.memory().key());
      }
    }
    if (coldKeys.isEmpty()) {
      return;
    }
    for (Map.Entry<String, StoredMemory> e : warm.peekAll(coldKeys).entrySet()) {
      Memory newer = e.getValue().memory();
      if (newer.version() > best.get(e.getKey()).memory().version()) {
        double similarity = Embedder.cosine(vector, embedder.embed(newer.content()));
        best.put(e.getKey(), new SearchHit(newer, Tier.WARM, similarity));
      }
    }
  }

  // ---------------------------------------------------------------- maintenance

  @Override
  public SweepResult sweep() {
    ensureOpen();
    return sweeper.sweep();
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
    for (TierHandle h : all) {
      try {
        h.store.flush();
      } catch (RuntimeException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "store '" + name + "': flush of " + h.tier.label() + " failed on close",
            e);
      }
      try {
        h.store.close();
      } catch (RuntimeException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "store '" + name + "': closing " + h.tier.label() + " failed",
            e);
      }
    }
    try {
      coordinator.close();
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING, "store '" + name + "': closing the coordinator failed", e);
    }
    for (Object o : ownedOutlets) {
      if (o instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          LOG.log(
              System.Logger.Level.WARNING,
              "store '" + name + "': closing " + o.getClass().getName() + " failed",
              e);
        }
      }
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("store '" + name + "' is closed");
    }
  }

  static long micros(Instant t) {
    return Math.max(
        1, Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000));
  }

  @Override
  public String toString() {
    return "TieredMemory[name="
        + name
        + ", hot="
        + hot.store.kind()
        + ", warm="
        + warm.store.kind()
        + ", cold="
        + cold.store.kind()
        + "]";
  }
}
