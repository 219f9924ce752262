package io.tieredmemory.testkit;

import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.spi.TierObserver;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registered in META-INF/services for {@link DiscoveryAndGuardTest}: a {@link RecordingObserver}
 * per store, and a note when the store detaches it.
 */
public final class TestObserverProvider implements TierObserver.Provider {
  static final Map<String, RecordingObserver> created = new ConcurrentHashMap<>();
  static final Set<String> detached = ConcurrentHashMap.newKeySet();

  /** Records into the store's {@link RecordingObserver}, and notes the detach. */
  static final class Detaching implements TierObserver {
    final RecordingObserver rec;

    Detaching(RecordingObserver rec) {
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
    public boolean wantsEvents() {
      return true;
    }

    @Override
    public void onEvent(io.tieredmemory.core.event.TierEvent event) {
      rec.onEvent(event);
    }

    @Override
    public void detached(TieredMemory store) {
      detached.add(store.name());
    }
  }

  @Override
  public TierObserver observerFor(String storeName) {
    return new Detaching(created.computeIfAbsent(storeName, n -> new RecordingObserver()));
  }
}
