package io.tieredmemory.testkit;

import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.event.TierEventListener;
import io.tieredmemory.core.spi.TierEventListenerFactory;
import io.tieredmemory.core.spi.TierObserver;
import io.tieredmemory.core.spi.TierObserverFactory;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Registered in META-INF/services for {@link DiscoveryAndGuardTest}. */
public final class TestObserverFactory implements TierObserverFactory {
  static final Map<String, RecordingObserver> created = new ConcurrentHashMap<>();
  static final Set<String> closed = ConcurrentHashMap.newKeySet();

  /** Closeable wrapper so the test sees the store close it. */
  static final class Closing implements TierObserver, AutoCloseable {
    final String store;
    final RecordingObserver rec;

    Closing(String store, RecordingObserver rec) {
      this.store = store;
      this.rec = rec;
    }

    @Override
    public void requestCompleted(
        io.tieredmemory.core.Operation operation,
        io.tieredmemory.core.Tier tier,
        io.tieredmemory.core.RequestResult result,
        long durationNanos) {
      rec.requestCompleted(operation, tier, result, durationNanos);
    }

    @Override
    public void close() {
      closed.add(store);
    }
  }

  @Override
  public TierObserver create(TieredMemory store) {
    return new Closing(
        store.name(), created.computeIfAbsent(store.name(), n -> new RecordingObserver()));
  }

  /** The listener half, registered separately. */
  public static final class Listeners implements TierEventListenerFactory {
    @Override
    public TierEventListener create(TieredMemory store) {
      RecordingObserver rec = created.computeIfAbsent(store.name(), n -> new RecordingObserver());
      return (TierEvent e) -> rec.onEvent(e);
    }
  }
}
