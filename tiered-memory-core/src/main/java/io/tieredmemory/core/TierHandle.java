package io.tieredmemory.core;

import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.spi.ArchiveDirectory;
import io.tieredmemory.core.spi.Location;
import io.tieredmemory.core.spi.ReconcileJournal;
import io.tieredmemory.core.spi.ScoredMemory;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.core.spi.VectorSearch;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One tier as the store uses it: every backend call goes through here, is timed (remote tiers only)
 * and reported to the observers, and on failure is reported as a {@link TierEvent.BackendFailed}
 * before the exception is rethrown for the caller to handle.
 */
final class TierHandle implements TierView {
  final Tier tier;
  final TierStore store;
  private final boolean remote;
  private final @Nullable VectorSearch searchable;
  // Views read once: a decorator may build a new view object on each call.
  private final @Nullable ArchiveDirectory directory;
  private final @Nullable ReconcileJournal journal;
  private final Signals signals;
  private final String storeName;
  private final Clock clock;
  // Written only when it changes: a healthy tier costs its callers one volatile read per call.
  private final AtomicInteger failuresInRow = new AtomicInteger();

  TierHandle(Tier tier, TierStore store, Signals signals, String storeName, Clock clock) {
    this.tier = tier;
    this.store = store;
    this.remote = store.isRemote();
    this.searchable = store.vectorSearch().orElse(null);
    this.directory = store.directory().orElse(null);
    this.journal = store.journal().orElse(null);
    this.signals = signals;
    this.storeName = storeName;
    this.clock = clock;
  }

  @Override
  public Tier tier() {
    return tier;
  }

  @Override
  public String kind() {
    return store.kind();
  }

  @Override
  public boolean remote() {
    return remote;
  }

  /** "the COLD tier (chroma)", for error messages. */
  String describe() {
    return "the " + tier.name() + " tier (" + store.kind() + ")";
  }

  @Override
  public boolean searchable() {
    return searchable != null;
  }

  @Override
  public int failuresInRow() {
    return failuresInRow.get();
  }

  private void succeeded() {
    if (failuresInRow.get() != 0) {
      failuresInRow.set(0);
    }
  }

  /** The hot path: no lambda, no allocation beyond what the backend does. */
  @Nullable Memory read(String key, long nowMillis) {
    if (!remote) {
      try {
        Memory m = store.read(key, nowMillis);
        succeeded();
        return m;
      } catch (RuntimeException e) {
        failed(BackendOperation.READ, e);
        throw e;
      }
    }
    boolean timed = signals.observed();
    long start = timed ? System.nanoTime() : 0;
    try {
      Memory m = store.read(key, nowMillis);
      succeeded();
      if (timed) {
        signals.backendCallCompleted(tier, BackendOperation.READ, true, System.nanoTime() - start);
      }
      return m;
    } catch (RuntimeException e) {
      if (timed) {
        signals.backendCallCompleted(tier, BackendOperation.READ, false, System.nanoTime() - start);
      }
      failed(BackendOperation.READ, e);
      throw e;
    }
  }

  Map<String, Memory> readAll(Collection<String> keys, long nowMillis) {
    return call(BackendOperation.READ, () -> store.readAll(keys, nowMillis));
  }

  @Nullable StoredMemory peek(String key) {
    return call(BackendOperation.PEEK, () -> store.peek(key));
  }

  Map<String, StoredMemory> peekAll(Collection<String> keys) {
    return call(BackendOperation.PEEK, () -> store.peekAll(keys));
  }

  StoredMemory upsert(Memory proposal, long nowMillis) {
    return call(BackendOperation.WRITE, () -> store.upsert(proposal, nowMillis));
  }

  boolean copyIn(StoredMemory copy) {
    return call(BackendOperation.COPY, () -> store.copyIn(copy));
  }

  boolean removeIfVersion(String key, long version) {
    return call(BackendOperation.REMOVE, () -> store.removeIfVersion(key, version));
  }

  boolean removeIfOlder(String key, long version) {
    return call(BackendOperation.REMOVE, () -> store.removeIfOlder(key, version));
  }

  List<String> removeAllIfOlder(Map<String, Long> versions) {
    return call(BackendOperation.REMOVE, () -> store.removeAllIfOlder(versions));
  }

  boolean remove(String key) {
    return call(BackendOperation.REMOVE, () -> store.remove(key));
  }

  boolean touch(String key, long lastAccessMillis) {
    return call(BackendOperation.WRITE, () -> store.touch(key, lastAccessMillis));
  }

  List<StoredMemory> oldestAccessed(long beforeMillis, int limit) {
    return call(BackendOperation.CANDIDATES, () -> store.oldestAccessed(beforeMillis, limit));
  }

  @Override
  public long count() {
    return call(BackendOperation.COUNT, store::count);
  }

  long bytes() {
    return call(BackendOperation.COUNT, store::bytes);
  }

  Optional<Map<String, KindCount>> countByKind(Kinds kinds) {
    return call(BackendOperation.COUNT, () -> store.countByKind(kinds));
  }

  void flush() {
    call(
        BackendOperation.FLUSH,
        () -> {
          store.flush();
          return null;
        });
  }

  List<ScoredMemory> search(float[] vector, String text, int k, Predicate<Memory> filter) {
    return call(BackendOperation.SEARCH, () -> searchableOrFail().search(vector, text, k, filter));
  }

  // The optional views; asking a tier for one it lacks is a bug of the caller (the builder checked
  // that WARM has a directory and a journal, and only searchable tiers are searched).

  private VectorSearch searchableOrFail() {
    if (searchable == null) {
      throw new IllegalStateException(describe() + " is not searchable");
    }
    return searchable;
  }

  private ArchiveDirectory directoryOrFail() {
    if (directory == null) {
      throw new IllegalStateException(describe() + " has no archive directory");
    }
    return directory;
  }

  private ReconcileJournal journalOrFail() {
    if (journal == null) {
      throw new IllegalStateException(describe() + " has no reconcile journal");
    }
    return journal;
  }

  private <T> T call(BackendOperation op, Supplier<T> body) {
    boolean timed = remote && signals.observed();
    long start = timed ? System.nanoTime() : 0;
    try {
      T result = body.get();
      succeeded();
      if (timed) {
        signals.backendCallCompleted(tier, op, true, System.nanoTime() - start);
      }
      return result;
    } catch (RuntimeException e) {
      if (timed) {
        signals.backendCallCompleted(tier, op, false, System.nanoTime() - start);
      }
      failed(op, e);
      throw e;
    }
  }

  private void failed(BackendOperation op, RuntimeException e) {
    failuresInRow.incrementAndGet();
    if (signals.eventsWanted()) {
      signals.publish(
          new TierEvent.BackendFailed(
              storeName,
              clock.instant(),
              tier,
              op,
              e.getClass().getName(),
              String.valueOf(e.getMessage())));
    }
  }

  List<String> copyAllIn(List<StoredMemory> copies) {
    return call(BackendOperation.COPY, () -> store.copyAllIn(copies));
  }

  List<String> removeAllIfVersion(Map<String, Long> versions) {
    return call(BackendOperation.REMOVE, () -> store.removeAllIfVersion(versions));
  }

  // The WARM tier's directory and journal (the builder checked WARM has both).

  @Nullable Location locate(String key, long nowMillis) {
    return call(BackendOperation.READ, () -> directoryOrFail().locate(key, nowMillis));
  }

  Map<String, Location> locateAll(Collection<String> keys, long nowMillis) {
    return call(BackendOperation.READ, () -> directoryOrFail().locateAll(keys, nowMillis));
  }

  Map<String, Location> peekLocations(Collection<String> keys) {
    return call(BackendOperation.PEEK, () -> directoryOrFail().peekLocations(keys));
  }

  @Nullable Location delete(String key) {
    return call(BackendOperation.REMOVE, () -> directoryOrFail().delete(key));
  }

  List<String> markArchived(Map<String, Long> versions) {
    return call(BackendOperation.WRITE, () -> directoryOrFail().markArchived(versions));
  }

  void note(Tier about, Map<String, Long> versions) {
    if (versions.isEmpty()) {
      return;
    }
    call(
        BackendOperation.WRITE,
        () -> {
          journalOrFail().note(about, versions);
          return null;
        });
  }

  Map<String, Long> notes(Tier about, int limit) {
    return call(BackendOperation.PEEK, () -> journalOrFail().notes(about, limit));
  }

  void forget(Tier about, Map<String, Long> versions) {
    if (versions.isEmpty()) {
      return;
    }
    call(
        BackendOperation.WRITE,
        () -> {
          journalOrFail().forget(about, versions);
          return null;
        });
  }
}
