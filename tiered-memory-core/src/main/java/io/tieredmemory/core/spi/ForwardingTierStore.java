package io.tieredmemory.core.spi;

import io.tieredmemory.core.HistoryEntry;
import io.tieredmemory.core.KindCount;
import io.tieredmemory.core.Kinds;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.Tier;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A tier that forwards every call to another one, for decorators: fault injection in tests, a tier
 * that counts or delays calls, one that reports itself remote. Override {@link #forward} to act
 * around every call, or single methods to act on those.
 *
 * <pre>{@code
 * TierStore counting = new ForwardingTierStore(InProcessTiers.hot()) {
 *   protected <T> T forward(String method, Supplier<T> call) {
 *     calls.increment();
 *     return call.get();
 *   }
 * };
 * }</pre>
 *
 * <p>It forwards the optional capabilities too, each call through {@link #forward} (named after the
 * capability's method, e.g. {@code "markArchived"}, {@code "note"}, {@code "append"}): the {@link
 * #directory()}, {@link #journal()}, {@link #history()} and {@link #eventLog()} views and {@link
 * #vectorSearch()} (forwarded as {@code "search"}) are present exactly when the delegate's are.
 */
public abstract class ForwardingTierStore implements TierStore {
  private final TierStore delegate;
  private final Optional<ArchiveDirectory> directory;
  private final Optional<ReconcileJournal> journal;
  private final Optional<VectorSearch> vectorSearch;
  private final Optional<HistoryLog> history;
  private final Optional<EventLog> eventLog;

  /** Forwards to {@code delegate}. */
  protected ForwardingTierStore(TierStore delegate) {
    if (delegate == null) {
      throw new IllegalArgumentException("delegate must not be null");
    }
    this.delegate = delegate;
    this.directory = delegate.directory().map(ForwardingDirectory::new);
    this.journal = delegate.journal().map(ForwardingJournal::new);
    this.history = delegate.history().map(ForwardingHistory::new);
    this.eventLog = delegate.eventLog().map(ForwardingEventLog::new);
    this.vectorSearch =
        delegate
            .vectorSearch()
            .map(
                d ->
                    (VectorSearch)
                        (vector, text, k) -> forward("search", () -> d.search(vector, text, k)));
  }

  /** The tier calls go to. */
  protected TierStore delegate() {
    return delegate;
  }

  /**
   * Runs one forwarded call; {@code method} is the SPI method's name (e.g. {@code "copyAllIn"}).
   * The default just runs it.
   */
  protected <T> T forward(String method, Supplier<T> call) {
    return call.get();
  }

  @Override
  public String kind() {
    return delegate.kind();
  }

  @Override
  public boolean isRemote() {
    return delegate.isRemote();
  }

  @Override
  public @Nullable Memory read(String key, long nowMillis) {
    return forward("read", () -> delegate.read(key, nowMillis));
  }

  @Override
  public Map<String, Memory> readAll(Collection<String> keys, long nowMillis) {
    return forward("readAll", () -> delegate.readAll(keys, nowMillis));
  }

  @Override
  public @Nullable StoredMemory peek(String key) {
    return forward("peek", () -> delegate.peek(key));
  }

  @Override
  public Map<String, StoredMemory> peekAll(Collection<String> keys) {
    return forward("peekAll", () -> delegate.peekAll(keys));
  }

  @Override
  public StoredMemory upsert(Memory proposal, long nowMillis) {
    return forward("upsert", () -> delegate.upsert(proposal, nowMillis));
  }

  @Override
  public boolean copyIn(StoredMemory copy) {
    return forward("copyIn", () -> delegate.copyIn(copy));
  }

  @Override
  public List<String> copyAllIn(List<StoredMemory> copies) {
    return forward("copyAllIn", () -> delegate.copyAllIn(copies));
  }

  @Override
  public boolean removeIfVersion(String key, long version) {
    return forward("removeIfVersion", () -> delegate.removeIfVersion(key, version));
  }

  @Override
  public List<String> removeAllIfVersion(Map<String, Long> versions) {
    return forward("removeAllIfVersion", () -> delegate.removeAllIfVersion(versions));
  }

  @Override
  public boolean removeIfOlder(String key, long version) {
    return forward("removeIfOlder", () -> delegate.removeIfOlder(key, version));
  }

  @Override
  public List<String> removeAllIfOlder(Map<String, Long> versions) {
    return forward("removeAllIfOlder", () -> delegate.removeAllIfOlder(versions));
  }

  @Override
  public boolean remove(String key) {
    return forward("remove", () -> delegate.remove(key));
  }

  @Override
  public boolean touch(String key, long lastAccessMillis) {
    return forward("touch", () -> delegate.touch(key, lastAccessMillis));
  }

  @Override
  public List<StoredMemory> oldestAccessed(long accessedBeforeMillis, int limit) {
    return forward("oldestAccessed", () -> delegate.oldestAccessed(accessedBeforeMillis, limit));
  }

  @Override
  public long count() {
    return forward("count", delegate::count);
  }

  @Override
  public long bytes() {
    return forward("bytes", delegate::bytes);
  }

  @Override
  public Optional<Map<String, KindCount>> countByKind(Kinds kinds) {
    return forward("countByKind", () -> delegate.countByKind(kinds));
  }

  @Override
  public void flush() {
    forward(
        "flush",
        () -> {
          delegate.flush();
          return null;
        });
  }

  @Override
  public Optional<VectorSearch> vectorSearch() {
    return vectorSearch;
  }

  @Override
  public Optional<ArchiveDirectory> directory() {
    return directory;
  }

  @Override
  public Optional<ReconcileJournal> journal() {
    return journal;
  }

  @Override
  public Optional<HistoryLog> history() {
    return history;
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public Optional<EventLog> eventLog() {
    return eventLog;
  }

  private final class ForwardingEventLog implements EventLog {
    private final EventLog l;

    ForwardingEventLog(EventLog l) {
      this.l = l;
    }

    @Override
    public void append(List<EventLog.Entry> entries) {
      forward(
          "append",
          () -> {
            l.append(entries);
            return null;
          });
    }

    @Override
    public List<EventLog.Entry> readAfter(long afterId, int limit) {
      return forward("readAfter", () -> l.readAfter(afterId, limit));
    }

    @Override
    public long lastId() {
      return forward("lastId", l::lastId);
    }

    @Override
    public int retainNewest(int keep) {
      return forward("retainNewest", () -> l.retainNewest(keep));
    }

    @Override
    public byte[] salt() {
      return forward("salt", l::salt);
    }
  }

  private final class ForwardingHistory implements HistoryLog {
    private final HistoryLog h;

    ForwardingHistory(HistoryLog h) {
      this.h = h;
    }

    @Override
    public void append(List<HistoryEntry> entries) {
      forward(
          "append",
          () -> {
            h.append(entries);
            return null;
          });
    }

    @Override
    public List<HistoryEntry> read(String key, int limit) {
      return forward("read", () -> h.read(key, limit));
    }

    @Override
    public int pruneOlderThan(Instant cutoff, int limit) {
      return forward("pruneOlderThan", () -> h.pruneOlderThan(cutoff, limit));
    }

    @Override
    public int trim(Collection<String> keys, int perKey) {
      return forward("trim", () -> h.trim(keys, perKey));
    }
  }

  private final class ForwardingDirectory implements ArchiveDirectory {
    private final ArchiveDirectory d;

    ForwardingDirectory(ArchiveDirectory d) {
      this.d = d;
    }

    @Override
    public @Nullable Location locate(String key, long nowMillis) {
      return forward("locate", () -> d.locate(key, nowMillis));
    }

    @Override
    public Map<String, Location> locateAll(Collection<String> keys, long nowMillis) {
      return forward("locateAll", () -> d.locateAll(keys, nowMillis));
    }

    @Override
    public Map<String, Location> peekLocations(Collection<String> keys) {
      return forward("peekLocations", () -> d.peekLocations(keys));
    }

    @Override
    public List<String> markArchived(Map<String, Long> versions) {
      return forward("markArchived", () -> d.markArchived(versions));
    }

    @Override
    public @Nullable Location delete(String key) {
      return forward("delete", () -> d.delete(key));
    }
  }

  private final class ForwardingJournal implements ReconcileJournal {
    private final ReconcileJournal j;

    ForwardingJournal(ReconcileJournal j) {
      this.j = j;
    }

    @Override
    public void note(Tier tier, Map<String, Long> versions) {
      forward(
          "note",
          () -> {
            j.note(tier, versions);
            return null;
          });
    }

    @Override
    public Map<String, Long> notes(Tier tier, int limit) {
      return forward("notes", () -> j.notes(tier, limit));
    }

    @Override
    public void forget(Tier tier, Map<String, Long> versions) {
      forward(
          "forget",
          () -> {
            j.forget(tier, versions);
            return null;
          });
    }
  }
}
