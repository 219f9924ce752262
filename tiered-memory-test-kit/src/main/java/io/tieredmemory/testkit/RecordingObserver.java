package io.tieredmemory.testkit;

import io.tieredmemory.core.BackendOperation;
import io.tieredmemory.core.Operation;
import io.tieredmemory.core.RequestResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.spi.TierObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Counts every observer call and keeps every event, in one ordered log of both, so tests can assert
 * exact counts and the order in which a store reported things.
 *
 * <pre>{@code
 * RecordingObserver rec = new RecordingObserver();
 * TieredMemory store = TieredMemory.builder("t").observer(rec).build();
 * store.get("k");
 * rec.requests(Operation.GET, null, RequestResult.MISS); // 1
 * }</pre>
 */
public final class RecordingObserver implements TierObserver {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final List<String> log = new ArrayList<>();
  private final List<TierEvent> events = new ArrayList<>();

  private void record(String what) {
    counts.computeIfAbsent(what, k -> new LongAdder()).increment();
    synchronized (log) {
      log.add(what);
    }
  }

  /** How often {@code what} was recorded (a key as built by the recording methods). */
  public long count(String what) {
    LongAdder a = counts.get(what);
    return a == null ? 0 : a.sum();
  }

  /** Requests of one operation, tier (null: none) and result. */
  public long requests(Operation op, Tier tier, RequestResult result) {
    return count(requestKey(op, tier, result));
  }

  /** Movements from, to, for a reason. */
  public long movements(Tier from, Tier to, MoveReason reason) {
    return count("move " + from.label() + "->" + to.label() + " " + reason.label());
  }

  /** Events of one kind ({@link TierEvent#kind()}). */
  public long events(String kind) {
    return count("event " + kind);
  }

  /** Every observer call and event in order, as short strings. */
  public List<String> log() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  /** Every event in order. */
  public List<TierEvent> events() {
    synchronized (log) {
      return List.copyOf(events);
    }
  }

  /** Every recorded key with its count. */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new java.util.TreeMap<>();
    counts.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  static String requestKey(Operation op, @Nullable Tier tier, RequestResult result) {
    return "request "
        + op.label()
        + " "
        + (tier == null ? "none" : tier.label())
        + " "
        + result.label();
  }

  @Override
  public void requestCompleted(
      Operation operation, @Nullable Tier tier, RequestResult result, long durationNanos) {
    record(requestKey(operation, tier, result));
  }

  @Override
  public void backendCallCompleted(
      Tier tier, BackendOperation operation, boolean success, long durationNanos) {
    record(
        "backend "
            + tier.label()
            + " "
            + operation.label()
            + " "
            + (success ? "success" : "error"));
  }

  @Override
  public void movementCompleted(Tier from, Tier to, MoveReason reason, long durationNanos) {
    record("move " + from.label() + "->" + to.label() + " " + reason.label());
  }

  @Override
  public void evicted(Tier tier, MoveReason reason) {
    record("evicted " + tier.label() + " " + reason.label());
  }

  @Override
  public void sweepCompleted(boolean success, long durationNanos) {
    record("sweep " + (success ? "success" : "error"));
  }

  @Override
  public void searchCompleted(int hits, double topSimilarity) {
    record("search " + hits);
  }

  @Override
  public boolean wantsEvents() {
    return true;
  }

  @Override
  public void onEvent(TierEvent event) {
    synchronized (log) {
      events.add(event);
    }
    record("event " + event.kind());
  }
}
