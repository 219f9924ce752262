package io.tieredmemory.hardening;

import io.tieredmemory.core.spi.ArchiveDirectory;
import io.tieredmemory.core.spi.ForwardingTierStore;
import io.tieredmemory.core.spi.Location;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A tier that stands for a server and fails on cue: each {@link Trigger} names an operation, which
 * call of it fails (the Nth, or every one from the Nth on), and when: {@link When#BEFORE} the call
 * reaches the backend (nothing happened), or {@link When#AFTER} the backend did the work and the
 * answer is lost (the worst case: the caller sees an error for something that happened). For a
 * batch call ({@link Op#COPY_ALL_IN}, {@link Op#MARK_ARCHIVED}, the batch removals) a trigger may
 * instead fail one item of the batch: the items before it are applied, that one and the rest are
 * not, and the call throws. The WARM tier's directory and journal calls can fail the same way.
 *
 * <p>Unlike {@code io.tieredmemory.testkit.FaultyTierStore} (an on/off switch for every call), this
 * one injects one failure at one exact step of a move. It keeps counting calls, so a test can check
 * which steps ran. The delegate is the "server": it survives when the {@code TieredMemory} over it
 * is dropped without {@code close()} (a crash).
 *
 * <pre>{@code
 * CrashingTierStore warm = new CrashingTierStore("warm", InProcessTiers.warm(embedder));
 * warm.failNth(Op.MARK_ARCHIVED, 1, When.AFTER);   // the archive mark is written, the answer lost
 * }</pre>
 */
final class CrashingTierStore extends ForwardingTierStore {

  /** Every call of the SPI. */
  enum Op {
    READ,
    READ_ALL,
    PEEK,
    PEEK_ALL,
    UPSERT,
    COPY_IN,
    COPY_ALL_IN,
    REMOVE_IF_VERSION,
    REMOVE_ALL_IF_VERSION,
    REMOVE_IF_OLDER,
    REMOVE_ALL_IF_OLDER,
    REMOVE,
    TOUCH,
    OLDEST_ACCESSED,
    COUNT,
    BYTES,
    FLUSH,
    SEARCH,
    // the WARM tier's directory
    LOCATE,
    LOCATE_ALL,
    PEEK_LOCATIONS,
    MARK_ARCHIVED,
    DELETE,
    // the WARM tier's journal
    NOTE,
    NOTES,
    FORGET
  }

  /** When an injected failure strikes relative to the backend doing the work. */
  enum When {
    /** Before the call reaches the backend: nothing happened. */
    BEFORE,
    /** After the backend did the work: the answer is lost. */
    AFTER
  }

  /** One armed failure. */
  static final class Trigger {
    final Op op;
    final int nth;
    final boolean everyAfter;
    final When when;
    final int batchItem; // 1-based item of a batch that fails, 0 for the whole call
    final AtomicInteger fired = new AtomicInteger();

    Trigger(Op op, int nth, boolean everyAfter, When when, int batchItem) {
      this.op = op;
      this.nth = nth;
      this.everyAfter = everyAfter;
      this.when = when;
      this.batchItem = batchItem;
    }

    boolean matches(int call) {
      return everyAfter ? call >= nth : call == nth;
    }

    /** How often this trigger struck. */
    int fired() {
      return fired.get();
    }

    @Override
    public String toString() {
      return (everyAfter ? "every " + op + " from #" + nth : op + " #" + nth)
          + (batchItem > 0 ? " item " + batchItem : "")
          + " "
          + when;
    }
  }

  /** What an injected failure throws. */
  static final class InjectedFault extends RuntimeException {
    InjectedFault(String message) {
      super(message, null, false, false);
    }
  }

  private final String name;
  private final TierStore delegate;
  private final Map<Op, AtomicInteger> calls = new EnumMap<>(Op.class);
  private final List<Trigger> triggers = new CopyOnWriteArrayList<>();
  private volatile String faultMessage;

  CrashingTierStore(String name, TierStore delegate) {
    super(delegate);
    this.name = name;
    this.delegate = delegate;
    for (Op op : Op.values()) {
      calls.put(op, new AtomicInteger());
    }
  }

  /** The backend this wraps (the "server"). */
  @Override
  public TierStore delegate() {
    return delegate;
  }

  /** Fails the {@code n}th call of {@code op} from now on (1 is the next call). */
  Trigger failNth(Op op, int n, When when) {
    return arm(new Trigger(op, calls(op) + n, false, when, 0));
  }

  /** Fails every call of {@code op} from now on. */
  Trigger failEvery(Op op, When when) {
    return arm(new Trigger(op, calls(op) + 1, true, when, 0));
  }

  /**
   * Fails item {@code item} (1-based, in key order) of the next batch call {@code op}: the items
   * before it are applied one by one ({@code BEFORE}), or up to and including it ({@code AFTER}),
   * then the call throws.
   */
  Trigger failBatchItem(Op op, int item, When when) {
    if (op != Op.COPY_ALL_IN
        && op != Op.REMOVE_ALL_IF_VERSION
        && op != Op.REMOVE_ALL_IF_OLDER
        && op != Op.MARK_ARCHIVED) {
      throw new IllegalArgumentException("op must be a batch call, was " + op);
    }
    return arm(new Trigger(op, calls(op) + 1, false, when, item));
  }

  /** Disarms every trigger. */
  void heal() {
    triggers.clear();
  }

  /**
   * The message injected failures carry (default names the tier and step); a test of redaction sets
   * one that quotes a key and content, as a driver's error might.
   */
  void faultMessage(String message) {
    this.faultMessage = message;
  }

  /** How many calls of {@code op} were made so far. */
  int calls(Op op) {
    return calls.get(op).get();
  }

  private Trigger arm(Trigger t) {
    triggers.add(t);
    return t;
  }

  private Trigger due(Op op) {
    int call = calls.get(op).incrementAndGet();
    for (Trigger t : triggers) {
      if (t.op == op && t.matches(call)) {
        t.fired.incrementAndGet();
        return t;
      }
    }
    return null;
  }

  private InjectedFault fault(Trigger t) {
    String m = faultMessage;
    return new InjectedFault(
        m != null ? m : "injected fault in " + name + ": " + t + " (" + delegate.kind() + ")");
  }

  /** Every forwarded call, the directory's and the journal's included, may be made to fail. */
  @Override
  protected <T> T forward(String method, Supplier<T> body) {
    return run(
        Op.valueOf(method.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT)), body);
  }

  /** The delegate's directory, with {@code markArchived} failable item by item as well. */
  @Override
  public Optional<ArchiveDirectory> directory() {
    Optional<ArchiveDirectory> forwarded = super.directory();
    if (forwarded.isEmpty()) {
      return forwarded;
    }
    ArchiveDirectory through = forwarded.get();
    ArchiveDirectory backend = delegate.directory().orElseThrow();
    return Optional.of(
        new ArchiveDirectory() {
          @Override
          public Location locate(String key, long nowMillis) {
            return through.locate(key, nowMillis);
          }

          @Override
          public Map<String, Location> locateAll(Collection<String> keys, long nowMillis) {
            return through.locateAll(keys, nowMillis);
          }

          @Override
          public Map<String, Location> peekLocations(Collection<String> keys) {
            return through.peekLocations(keys);
          }

          @Override
          public Location delete(String key) {
            return through.delete(key);
          }

          @Override
          public List<String> markArchived(Map<String, Long> versions) {
            return batch(
                Op.MARK_ARCHIVED,
                new java.util.TreeSet<>(versions.keySet()),
                () -> backend.markArchived(versions),
                key -> !backend.markArchived(Map.of(key, versions.get(key))).isEmpty());
          }
        });
  }

  private <T> T run(Op op, Supplier<T> body) {
    Trigger t = due(op);
    if (t != null && t.when == When.BEFORE) {
      throw fault(t);
    }
    T result = body.get();
    if (t != null) {
      throw fault(t);
    }
    return result;
  }

  @Override
  public List<String> copyAllIn(List<StoredMemory> copies) {
    Map<String, StoredMemory> byKey = new java.util.TreeMap<>();
    for (StoredMemory c : copies) {
      byKey.put(c.key(), c);
    }
    return batch(
        Op.COPY_ALL_IN,
        byKey.keySet(),
        () -> delegate.copyAllIn(copies),
        key -> delegate.copyIn(byKey.get(key)));
  }

  @Override
  public List<String> removeAllIfVersion(Map<String, Long> versions) {
    return batch(
        Op.REMOVE_ALL_IF_VERSION,
        new java.util.TreeSet<>(versions.keySet()),
        () -> delegate.removeAllIfVersion(versions),
        key -> delegate.removeIfVersion(key, versions.get(key)));
  }

  @Override
  public List<String> removeAllIfOlder(Map<String, Long> versions) {
    return batch(
        Op.REMOVE_ALL_IF_OLDER,
        new java.util.TreeSet<>(versions.keySet()),
        () -> delegate.removeAllIfOlder(versions),
        key -> delegate.removeIfOlder(key, versions.get(key)));
  }

  /** A batch call: whole, or item by item up to the one that fails. */
  private List<String> batch(
      Op op,
      Collection<String> keysInOrder,
      Supplier<List<String>> whole,
      java.util.function.Predicate<String> one) {
    Trigger t = due(op);
    if (t == null || t.batchItem == 0) {
      if (t != null && t.when == When.BEFORE) {
        throw fault(t);
      }
      List<String> done = whole.get();
      if (t != null) {
        throw fault(t);
      }
      return done;
    }
    List<String> done = new ArrayList<>();
    int i = 0;
    for (String key : keysInOrder) {
      i++;
      if (i == t.batchItem && t.when == When.BEFORE) {
        throw fault(t);
      }
      if (one.test(key)) {
        done.add(key);
      }
      if (i == t.batchItem) {
        throw fault(t);
      }
    }
    return done;
  }

  /** Does nothing: the "server" outlives every store over it; {@link #shutdown()} ends it. */
  @Override
  public void close() {}

  /** Closes the backend for good (end of test). */
  void shutdown() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "CrashingTierStore[" + name + " over " + delegate + "]";
  }
}
