package io.tieredmemory.testkit;

import io.tieredmemory.core.spi.ArchiveDirectory;
import io.tieredmemory.core.spi.ForwardingTierStore;
import io.tieredmemory.core.spi.ReconcileJournal;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.core.spi.VectorSearch;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

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
 * FaultyTierStore warm = new FaultyTierStore(InProcessTiers.warm(Embedder.hashing()));
 * warm.failing("markArchived").set(true);   // only the archive step that marks WARM fails
 * }</pre>
 *
 * <p>Switches also name the methods of the capabilities the delegate has ({@code locate}, {@code
 * markArchived}, {@code note}, {@code forget}...), which it forwards through the same checks.
 */
public final class FaultyTierStore extends ForwardingTierStore {
  /** The SPI methods a switch can name. */
  private static final Set<String> METHODS = spiMethods();

  private final AtomicBoolean failing = new AtomicBoolean();
  private final Map<String, AtomicBoolean> failingMethods = new ConcurrentHashMap<>();
  private final Map<String, AtomicBoolean> lostAnswers = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
  private final Map<String, Runnable> before = new ConcurrentHashMap<>();

  /** Wraps {@code delegate}. */
  public FaultyTierStore(TierStore delegate) {
    super(delegate);
  }

  /** Set to make every call fail, clear to let calls through. */
  public AtomicBoolean failing() {
    return failing;
  }

  /**
   * Set to make every call of the SPI method {@code method} (e.g. {@code "removeAllIfVersion"})
   * fail before it reaches the tier; clear to let them through.
   *
   * @throws IllegalArgumentException if {@code method} is not a method of {@link TierStore} or of a
   *     capability
   */
  public AtomicBoolean failing(String method) {
    return failingMethods.computeIfAbsent(known(method), m -> new AtomicBoolean());
  }

  /**
   * Set to make every call of {@code method} reach the tier and then throw, as when a server
   * applied a change and its answer was lost (a timeout, a dropped connection).
   *
   * @throws IllegalArgumentException if {@code method} is not a method of {@link TierStore} or of a
   *     capability
   */
  public AtomicBoolean answerLost(String method) {
    return lostAnswers.computeIfAbsent(known(method), m -> new AtomicBoolean());
  }

  /**
   * How many times {@code method} was called, failed calls included.
   *
   * @throws IllegalArgumentException if {@code method} is not a method of {@link TierStore} or of a
   *     capability
   */
  public long calls(String method) {
    AtomicLong n = calls.get(known(method));
    return n == null ? 0 : n.get();
  }

  /**
   * Runs {@code action} before each call of {@code method} reaches the tier (after the failure
   * switches), e.g. a write by "another process" between a store's steps; {@code null} removes it.
   *
   * @throws IllegalArgumentException if {@code method} is not a method of {@link TierStore} or of a
   *     capability
   */
  public void before(String method, @Nullable Runnable action) {
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
    for (Class<?> c :
        List.of(
            TierStore.class, VectorSearch.class, ArchiveDirectory.class, ReconcileJournal.class)) {
      for (Method m : c.getMethods()) {
        names.add(m.getName());
      }
    }
    return names;
  }

  private void check(String method) {
    calls.computeIfAbsent(method, m -> new AtomicLong()).incrementAndGet();
    if (failing.get() || isSet(failingMethods, method)) {
      throw new IllegalStateException("injected fault in " + delegate().kind() + " " + method);
    }
  }

  @Override
  protected <T> T forward(String method, Supplier<T> body) {
    check(method);
    Runnable action = before.get(method);
    if (action != null) {
      action.run();
    }
    T result = body.get();
    if (isSet(lostAnswers, method)) {
      throw new IllegalStateException(
          "injected lost answer from " + delegate().kind() + " " + method + " (it was applied)");
    }
    return result;
  }

  private static boolean isSet(Map<String, AtomicBoolean> switches, String method) {
    AtomicBoolean b = switches.get(method);
    return b != null && b.get();
  }

  @Override
  public String kind() {
    return "faulty " + delegate().kind();
  }

  @Override
  public boolean isRemote() {
    return true;
  }
}
