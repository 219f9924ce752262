package io.tieredmemory.testkit;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.ReconcileJournal;
import io.tieredmemory.core.spi.ScoredMemory;
import io.tieredmemory.core.spi.SearchableTierStore;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierStore;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Wraps a tier and fails on demand: while {@link #failing()} is set, every call throws {@link
 * IllegalStateException} ("injected fault"). {@link #failing(String)} fails one SPI method only,
 * before it reaches the tier; {@link #answerLost(String)} lets the call through and then throws, as
 * a timeout does after the server applied the change. It reports itself as remote, so the store
 * times its calls like a real backend's, and counts the calls of each method ({@link #calls}).
 *
 * <pre>{@code
 * FaultyTierStore hot = new FaultyTierStore(InProcessTiers.hot());
 * hot.failing().set(true);   // Redis is "down"
 *
 * FaultyTierStore warm = new FaultyTierStore(InProcessTiers.plain());
 * warm.failing("removeAllIfVersion").set(true);   // only batch removals fail
 * }</pre>
 */
public final class FaultyTierStore implements SearchableTierStore, ReconcileJournal {
  /** The SPI methods a switch can name. */
  private static final Set<String> METHODS = spiMethods();

  private final TierStore delegate;
  private final AtomicBoolean failing = new AtomicBoolean();
  private final Map<String, AtomicBoolean> failingMethods = new ConcurrentHashMap<>();
  private final Map<String, AtomicBoolean> lostAnswers = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
  private final Map<String, Runnable> before = new ConcurrentHashMap<>();

  /** Wraps {@code delegate}. */
  public FaultyTierStore(TierStore delegate) {
    this.delegate = delegate;
  }

  /** Set to make every call fail, clear to let calls through. */
  public AtomicBoolean failing() {
    return failing;
  }

  /**
   * Set to make every call of the SPI method {@code method} (e.g. {@code "removeAllIfVersion"})
   * fail before it reaches the tier; clear to let them through.
   *
   * @throws IllegalArgumentException if {@code method} is not a method of {@link
   *     SearchableTierStore}
   */
  public AtomicBoolean failing(String method) {
    return failingMethods.computeIfAbsent(known(method), m -> new AtomicBoolean());
  }

  /**
   * Set to make every call of {@code method} reach the tier and then throw, as when a server
   * applied a change and its answer was lost (a timeout, a dropped connection).
   *
   * @throws IllegalArgumentException if {@code method} is not a method of {@link
   *     SearchableTierStore}
   */
  public AtomicBoolean answerLost(String method) {
    return lostAnswers.computeIfAbsent(known(method), m -> new AtomicBoolean());
  }

  /**
   * How many times {@code method} was called, failed calls included.
   *
   * @throws IllegalArgumentException if {@code method} is not a method of {@link
   *     SearchableTierStore}
   */
  public long calls(String method) {
    AtomicLong n = calls.get(known(method));
    return n == null ? 0 : n.get();
  }

  /**
   * Runs {@code action} before each call of {@code method} reaches the tier (after the failure
   * switches), e.g. a write by "another process" between a store's steps; {@code null} removes it.
   *
   * @throws IllegalArgumentException if {@code method} is not a method of {@link
   *     SearchableTierStore}
   */
  public void before(String method, Runnable action) {
    if (action == null) {
      before.remove(known(method));
    } else {
      before.put(known(method), action);
    }
  }

  private static String known(String method) {
    if (!METHODS.contains(method)) {
      throw new IllegalArgumentException(
          "no tier method named '" + method + "'; one of " + METHODS);
    }
    return method;
  }

  private static Set<String> spiMethods() {
    Set<String> names = new TreeSet<>();
    for (Method m : SearchableTierStore.class.getMethods()) {
      names.add(m.getName());
    }
    return names;
  }

  private void check(String method) {
    calls.computeIfAbsent(method, m -> new AtomicLong()).incrementAndGet();
    if (failing.get() || isSet(failingMethods, method)) {
      throw new IllegalStateException("injected fault in " + delegate.kind() + " " + method);
    }
  }

  private <T> T call(String method, Supplier<T> body) {
    check(method);
    Runnable action = before.get(method);
    if (action != null) {
      action.run();
    }
    T result = body.get();
    if (isSet(lostAnswers, method)) {
      throw new IllegalStateException(
          "injected lost answer from " + delegate.kind() + " " + method + " (it was applied)");
    }
    return result;
  }

  private static boolean isSet(Map<String, AtomicBoolean> switches, String method) {
    AtomicBoolean b = switches.get(method);
    return b != null && b.get();
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
    return call("read", () -> delegate.read(key, nowMillis));
  }

  @Override
  public Map<String, Memory> readAll(Collection<String> keys, long nowMillis) {
    return call("readAll", () -> delegate.readAll(keys, nowMillis));
  }

  @Override
  public StoredMemory peek(String key) {
    return call("peek", () -> delegate.peek(key));
  }

  @Override
  public Map<String, StoredMemory> peekAll(Collection<String> keys) {
    return call("peekAll", () -> delegate.peekAll(keys));
  }

  @Override
  public StoredMemory upsert(Memory proposal, long nowMillis) {
    return call("upsert", () -> delegate.upsert(proposal, nowMillis));
  }

  @Override
  public boolean copyIn(StoredMemory copy) {
    return call("copyIn", () -> delegate.copyIn(copy));
  }

  @Override
  public boolean removeIfVersion(String key, long version) {
    return call("removeIfVersion", () -> delegate.removeIfVersion(key, version));
  }

  @Override
  public boolean removeIfOlder(String key, long version) {
    return call("removeIfOlder", () -> delegate.removeIfOlder(key, version));
  }

  @Override
  public List<String> removeAllIfOlder(Map<String, Long> versions) {
    return call("removeAllIfOlder", () -> delegate.removeAllIfOlder(versions));
  }

  @Override
  public List<String> copyAllIn(List<StoredMemory> copies) {
    return call("copyAllIn", () -> delegate.copyAllIn(copies));
  }

  @Override
  public List<String> removeAllIfVersion(Map<String, Long> versions) {
    return call("removeAllIfVersion", () -> delegate.removeAllIfVersion(versions));
  }

  @Override
  public boolean remove(String key) {
    return call("remove", () -> delegate.remove(key));
  }

  @Override
  public boolean touch(String key, long lastAccessMillis) {
    return call("touch", () -> delegate.touch(key, lastAccessMillis));
  }

  @Override
  public List<StoredMemory> oldestAccessed(long accessedBeforeMillis, int limit) {
    return call("oldestAccessed", () -> delegate.oldestAccessed(accessedBeforeMillis, limit));
  }

  @Override
  public long count() {
    return call("count", () -> delegate.count());
  }

  @Override
  public long bytes() {
    return call("bytes", () -> delegate.bytes());
  }

  @Override
  public void flush() {
    call(
        "flush",
        () -> {
          delegate.flush();
          return null;
        });
  }

  @Override
  public List<ScoredMemory> search(float[] queryVector, String queryText, int k) {
    return call(
        "search",
        () ->
            delegate instanceof SearchableTierStore s
                ? s.search(queryVector, queryText, k)
                : List.<ScoredMemory>of());
  }

  @Override
  public void close() {
    delegate.close();
  }

  // The journal is forwarded (it is the WARM tier's durable state); a delegate without one gets a
  // map here, which lives as long as this wrapper does.
  private final java.util.concurrent.ConcurrentHashMap<String, Long> ownJournal =
      new java.util.concurrent.ConcurrentHashMap<>();

  @Override
  public void note(Map<String, Long> versions) {
    if (delegate instanceof ReconcileJournal j) {
      j.note(versions);
    } else {
      versions.forEach((k, v) -> ownJournal.merge(k, v, Math::max));
    }
  }

  @Override
  public Map<String, Long> notes(int limit) {
    if (delegate instanceof ReconcileJournal j) {
      return j.notes(limit);
    }
    Map<String, Long> out = new java.util.HashMap<>();
    for (Map.Entry<String, Long> e : ownJournal.entrySet()) {
      if (out.size() >= limit) {
        break;
      }
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  @Override
  public void forget(Map<String, Long> versions) {
    if (delegate instanceof ReconcileJournal j) {
      j.forget(versions);
    } else {
      versions.forEach((k, v) -> ownJournal.remove(k, v));
    }
  }
}
