package io.tieredmemory.examples.biometric;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.ScoredMemory;
import io.tieredmemory.core.spi.SearchableTierStore;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierStore;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * A tier that fails a fraction of its single-key reads before they reach the backend, so that the
 * demo shows what a backend failure looks like everywhere it surfaces: a 503 from {@code GET
 * /memories/{key}}, {@code tiered_memory_requests_total{result="error"}}, a red {@code
 * backend_failed} entry in the live view. Nothing is written or lost: a failed read never touched
 * the backend, and every other call goes straight through.
 *
 * <pre>{@code
 * TierStore warm = FaultInjectingTierStore.wrap(InProcessTiers.warm(embedder), 0.005);
 * }</pre>
 */
class FaultInjectingTierStore implements TierStore {
  private final TierStore delegate;
  private final double rate;
  private final LongAdder injected = new LongAdder();

  FaultInjectingTierStore(TierStore delegate, double rate) {
    this.delegate = delegate;
    this.rate = rate;
  }

  /**
   * {@code delegate} failing {@code rate} of its reads (0 returns it unchanged); searchable if it
   * is.
   */
  static TierStore wrap(TierStore delegate, double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("rate must be between 0 and 1, was " + rate);
    }
    if (rate == 0) {
      return delegate;
    }
    return delegate instanceof SearchableTierStore s
        ? new Searchable(s, rate)
        : new FaultInjectingTierStore(delegate, rate);
  }

  /** Faults injected so far. */
  long injected() {
    return injected.sum();
  }

  /** The exception of an injected fault; its name says where it comes from. */
  static final class InjectedFaultException extends RuntimeException {
    InjectedFaultException(String message) {
      super(message, null, false, false);
    }
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
  public Memory read(String key, long nowMillis) {
    if (ThreadLocalRandom.current().nextDouble() < rate) {
      injected.increment();
      throw new InjectedFaultException(
          "read failed on purpose (the demo injects faults; --fault-rate 0 turns them off)");
    }
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

  @Override
  public String toString() {
    return delegate + " (failing " + rate + " of reads)";
  }

  /** The same for a searchable tier; searches go straight through. */
  static final class Searchable extends FaultInjectingTierStore implements SearchableTierStore {
    private final SearchableTierStore searchable;

    Searchable(SearchableTierStore delegate, double rate) {
      super(delegate, rate);
      this.searchable = delegate;
    }

    @Override
    public List<ScoredMemory> search(float[] queryVector, String queryText, int k) {
      return searchable.search(queryVector, queryText, k);
    }
  }
}
