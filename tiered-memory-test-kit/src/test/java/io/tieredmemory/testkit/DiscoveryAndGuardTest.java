package io.tieredmemory.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.Operation;
import io.tieredmemory.core.RequestResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.spi.TierObserver;
import org.junit.jupiter.api.Test;

/** ServiceLoader attaches observers and listeners; ones that throw never break the store. */
class DiscoveryAndGuardTest {

  @Test
  void build_withAutoDiscovery_attachesServiceLoaderObserversAndListeners() {
    TestObserverFactory.created.clear();
    try (TieredMemory store = TieredMemory.builder("discovered").build()) {
      store.put("a", "x");
      store.get("a");
      assertThat(TestObserverFactory.created).containsKey("discovered");
      RecordingObserver rec = TestObserverFactory.created.get("discovered");
      assertThat(rec.requests(Operation.GET, Tier.HOT, RequestResult.HIT)).isEqualTo(1);
      assertThat(rec.events("put")).isEqualTo(1);
    }
    assertThat(TestObserverFactory.closed).contains("discovered");
  }

  @Test
  void build_withoutAutoDiscovery_attachesNothingDiscovered() {
    TestObserverFactory.created.clear();
    try (TieredMemory store = TieredMemory.builder("plain").autoDiscover(false).build()) {
      store.put("a", "x");
    }
    assertThat(TestObserverFactory.created).doesNotContainKey("plain");
  }

  @Test
  void throwingObserverAndListener_neverFailTheStore() {
    TierObserver boom =
        new TierObserver() {
          @Override
          public void requestCompleted(Operation o, Tier t, RequestResult r, long nanos) {
            throw new IllegalStateException("observer bug");
          }

          @Override
          public void movementCompleted(
              Tier from, Tier to, io.tieredmemory.core.policy.MoveReason reason, long nanos) {
            throw new IllegalStateException("observer bug");
          }
        };
    RecordingObserver after = new RecordingObserver();
    try (TieredMemory store =
        TieredMemory.builder("guarded")
            .autoDiscover(false)
            .observer(boom)
            .listener(
                e -> {
                  throw new IllegalStateException("listener bug");
                })
            .observer(after)
            .build()) {
      store.put("a", "x");
      assertThat(store.get("a")).isPresent();
      assertThat(store.delete("a")).isTrue();
      store.sweep();
      assertThat(after.requests(Operation.GET, Tier.HOT, RequestResult.HIT)).isEqualTo(1);
      assertThat(after.requests(Operation.DELETE, Tier.WARM, RequestResult.SUCCESS)).isEqualTo(1);
    }
  }
}
