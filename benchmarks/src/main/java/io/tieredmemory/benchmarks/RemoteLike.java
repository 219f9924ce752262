package io.tieredmemory.benchmarks;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.ScoredMemory;
import io.tieredmemory.core.spi.SearchableTierStore;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierStore;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * An in-process tier that says it is remote, so a store registers and records the per-backend
 * timers it would for Redis, PostgreSQL and Chroma: the metric set of a production store, without
 * the servers.
 */
class RemoteLike implements TierStore {
  final TierStore delegate;

  RemoteLike(TierStore delegate) {
    this.delegate = delegate;
  }

  /** A searchable tier that says it is remote. */
  static final class Searchable extends RemoteLike implements SearchableTierStore {
    Searchable(SearchableTierStore delegate) {
      super(delegate);
    }

    @Override
    public List<ScoredMemory> search(float[] queryVector, String queryText, int k) {
      return ((SearchableTierStore) delegate).search(queryVector, queryText, k);
    }
  }

  @Override
  public String kind() {
    return "remote-like";
  }

  @Override
  public boolean isRemote() {
    return true;
  }

  @Override
  public Memory read(String key, long nowMillis) {
    return delegate.read(key, nowMillis);
  }

  @Override
  public Map<String, Memory> readAll(Collection<String> keys, long nowMillis) {
    return delegate.readAll(keys, nowMillis);
  }

  @Override
  public StoredMemory peek(String key) {
    return delegate.peek(key);
  }

  @Override
  public Map<String, StoredMemory> peekAll(Collection<String> keys) {
    return delegate.peekAll(keys);
  }

  @Override
  public StoredMemory upsert(Memory proposal, long nowMillis) {
    return delegate.upsert(proposal, nowMillis);
  }

  @Override
  public boolean copyIn(StoredMemory copy) {
    return delegate.copyIn(copy);
  }

  @Override
  public boolean removeIfVersion(String key, long version) {
    return delegate.removeIfVersion(key, version);
  }

  @Override
  public boolean removeIfOlder(String key, long version) {
    return delegate.removeIfOlder(key, version);
  }

  @Override
  public boolean remove(String key) {
    return delegate.remove(key);
  }

  @Override
  public boolean touch(String key, long lastAccessMillis) {
    return delegate.touch(key, lastAccessMillis);
  }

  @Override
  public List<String> removeAllIfOlder(Map<String, Long> versions) {
    return delegate.removeAllIfOlder(versions);
  }

  @Override
  public List<StoredMemory> oldestAccessed(long accessedBeforeMillis, int limit) {
    return delegate.oldestAccessed(accessedBeforeMillis, limit);
  }

  @Override
  public long count() {
    return delegate.count();
  }

  @Override
  public long bytes() {
    return delegate.bytes();
  }

  @Override
  public void flush() {
    delegate.flush();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
