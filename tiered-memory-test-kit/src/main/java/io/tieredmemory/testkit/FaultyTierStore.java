package io.tieredmemory.testkit;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.ScoredMemory;
import io.tieredmemory.core.spi.SearchableTierStore;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierStore;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Wraps a tier and fails on demand: while {@link #failing()} is set, every call throws {@link
 * IllegalStateException} ("injected fault"). It reports itself as remote, so the store times its
 * calls like a real backend's.
 *
 * <pre>{@code
 * FaultyTierStore hot = new FaultyTierStore(InProcessTiers.hot());
 * hot.failing().set(true);   // Redis is "down"
 * }</pre>
 */
public final class FaultyTierStore implements SearchableTierStore {
  private final TierStore delegate;
  private final AtomicBoolean failing = new AtomicBoolean();

  /** Wraps {@code delegate}. */
  public FaultyTierStore(TierStore delegate) {
    this.delegate = delegate;
  }

  /** Set to make every call fail, clear to let calls through. */
  public AtomicBoolean failing() {
    return failing;
  }

  private void check() {
    if (failing.get()) {
      throw new IllegalStateException("injected fault in " + delegate.kind());
    }
  }

  @Override
  public String kind() {
    return "faulty " + delegate.kind();
  }

  @Override
  public boolean isRemote() {
    return true;
  }

  @Override
  public Memory read(String key, long nowMillis) {
    check();
    return delegate.read(key, nowMillis);
  }

  @Override
  public Map<String, Memory> readAll(Collection<String> keys, long nowMillis) {
    check();
    return delegate.readAll(keys, nowMillis);
  }

  @Override
  public StoredMemory peek(String key) {
    check();
    return delegate.peek(key);
  }

  @Override
  public Map<String, StoredMemory> peekAll(Collection<String> keys) {
    check();
    return delegate.peekAll(keys);
  }

  @Override
  public StoredMemory upsert(Memory proposal, long nowMillis) {
    check();
    return delegate.upsert(proposal, nowMillis);
  }

  @Override
  public boolean copyIn(StoredMemory copy) {
    check();
    return delegate.copyIn(copy);
  }

  @Override
  public boolean removeIfVersion(String key, long version) {
    check();
    return delegate.removeIfVersion(key, version);
  }

  @Override
  public boolean removeIfOlder(String key, long version) {
    check();
    return delegate.removeIfOlder(key, version);
  }

  @Override
  public List<String> removeAllIfOlder(Map<String, Long> versions) {
    check();
    return delegate.removeAllIfOlder(versions);
  }

  @Override
  public boolean remove(String key) {
    check();
    return delegate.remove(key);
  }

  @Override
  public boolean touch(String key, long lastAccessMillis) {
    check();
    return delegate.touch(key, lastAccessMillis);
  }

  @Override
  public List<StoredMemory> oldestAccessed(long accessedBeforeMillis, int limit) {
    check();
    return delegate.oldestAccessed(accessedBeforeMillis, limit);
  }

  @Override
  public long count() {
    check();
    return delegate.count();
  }

  @Override
  public long bytes() {
    check();
    return delegate.bytes();
  }

  @Override
  public void flush() {
    check();
    delegate.flush();
  }

  @Override
  public List<ScoredMemory> search(float[] queryVector, String queryText, int k) {
    check();
    if (delegate instanceof SearchableTierStore s) {
      return s.search(queryVector, queryText, k);
    }
    return List.of();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
