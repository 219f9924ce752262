package io.tieredmemory.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.Operation;
import io.tieredmemory.core.RequestResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.spi.TierObserver;
import org.junit.jupiter.api.Test;

/**
 * ServiceLoader attaches observers; one of the class of an explicit observer is left out; ones that
 * throw never break the store.
 */
class DiscoveryAndGuardTest {

  @Test
  void build_withAutoDiscovery_attachesServiceLoaderObserversAndListeners() {
    TestObserverProvider.created.clear();
    try (TieredMemory store = TieredMemory.builder("discovered").build()) {
      store.put("a", "x");
      store.get("a");
      assertThat(TestObserverProvider.created).containsKey("discovered");
      RecordingObserver rec = TestObserverProvider.created.get("discovered");
      assertThat(rec.requests(Operation.GET, Tier.HOT, RequestResult.HIT)).isEqualTo(1);
      assertThat(rec.events("put")).isEqualTo(1);
    }
    assertThat(TestObserverProvider.detached).contains("discovered");
  }

  @Test
  void build_withoutAutoDiscovery_attachesNothingDiscovered() {
    TestObserverProvider.created.clear();
    try (TieredMemory store = TieredMemory.builder("plain").discoverObservers(false).build()) {
      store.put("a", "x");
    }
    assertThat(TestObserverProvider.created).doesNotContainKey("plain");
  }

  @Test
  void build_discoveredObserverOfAnExplicitOnesClass_isLeftOut() {
    TestObserverProvider.created.clear();
    TestObserverProvider.Detaching explicit =
        new TestObserverProvider.Detaching(new RecordingObserver());
    try (TieredMemory store = TieredMemory.builder("explicit").observer(explicit).build()) {
      store.put("a", "x");
    }
    // The provider was asked, but its observer (same class as the explicit one) was not attached.
    RecordingObserver discovered = TestObserverProvider.created.get("explicit");
    assertThat(discovered.events()).isEmpty();
    assertThat(discovered.requests(Operation.PUT, Tier.WARM, RequestResult.SUCCESS)).isZero();
    assertThat(explicit.rec.requests(Operation.PUT, Tier.WARM, RequestResult.SUCCESS)).isEqualTo(1);
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

          @Override
          public void sweepPlanned(io.tieredmemory.core.policy.MoveReason reason, int moves) {
            throw new IllegalStateException("observer bug");
          }
        };
    RecordingObserver after = new RecordingObserver();
    try (TieredMemory store =
        TieredMemory.builder("guarded")
            .discoverObservers(false)
            .observer(boom)
            .observer(
                TierObserver.events(
                    e -> {
                      throw new IllegalStateException("listener bug");
                    }))
            .observer(after)
            .build()) {
      store.put("a", "x");
      assertThat(store.get("a")).isPresent();
      assertThat(store.delete("a")).isTrue();
      assertThat(store.sweep().succeeded()).as("a sweep whose plan an observer chokes on").isTrue();
      assertThat(after.count("sweep success")).isEqualTo(1);
      assertThat(after.requests(Operation.GET, Tier.HOT, RequestResult.HIT)).isEqualTo(1);
      assertThat(after.requests(Operation.DELETE, Tier.WARM, RequestResult.SUCCESS)).isEqualTo(1);
    }
  }
}
