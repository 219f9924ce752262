package io.tieredmemory.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.ForwardingTierStore;
import io.tieredmemory.core.spi.TierStore;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** {@link TieredMemory#tier(Tier)}: what a caller may see of a tier, and nothing to write with. */
class TierViewTest {

  /** A HOT tier whose calls fail while {@code down} is set. */
  private static final class Switchable extends ForwardingTierStore {
    volatile boolean down;

    Switchable(TierStore delegate) {
      super(delegate);
    }

    @Override
    public boolean isRemote() {
      return true;
    }

    @Override
    protected <T> T forward(String method, Supplier<T> call) {
      if (down) {
        throw new IllegalStateException("down");
      }
      return call.get();
    }
  }

  @Test
  void eachTier_saysWhatItIs_andCountsWhatItHolds() {
    try (TieredMemory store = TieredMemory.builder("views").discoverObservers(false).build()) {
      store.put("a", "alpha");
      store.put("b", "beta");
      for (Tier t : Tier.values()) {
        TierView v = store.tier(t);
        assertThat(v.tier()).isEqualTo(t);
        assertThat(v.kind()).isEqualTo("in-process");
        assertThat(v.remote()).isFalse();
        assertThat(v.up()).isTrue();
        assertThat(v.failuresInRow()).isZero();
      }
      assertThat(store.tier(Tier.HOT).searchable()).isFalse();
      assertThat(store.tier(Tier.WARM).searchable()).isTrue();
      assertThat(store.tier(Tier.COLD).searchable()).isTrue();
      assertThat(store.tier(Tier.WARM).count()).isEqualTo(2);
      assertThat(store.tier(Tier.HOT).count()).isEqualTo(2);
      assertThat(store.tier(Tier.COLD).count()).isZero();
    }
  }

  @Test
  void view_isNotATierStore_soNoCallerCanWriteAroundTheLocks() {
    try (TieredMemory store = TieredMemory.builder("readonly").discoverObservers(false).build()) {
      for (Tier t : Tier.values()) {
        assertThat(store.tier(t)).isNotInstanceOf(TierStore.class);
      }
      assertThatThrownBy(() -> store.tier(null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("tier");
    }
  }

  @Test
  void failuresInRow_countsFailedCalls_andTheFirstSuccessResetsIt() {
    Switchable hot = new Switchable(InProcessTiers.hot());
    try (TieredMemory store =
        TieredMemory.builder("health")
            // the test tiers say they are remote: make each read's move before it returns,
            // so what the test checks next does not race a background move
            .readMoves(ReadMoves.CALLER)
            .hot(hot)
            .warm(InProcessTiers.warm(Embedder.hashing()))
            .discoverObservers(false)
            .build()) {
      store.put("k", "v");
      TierView view = store.tier(Tier.HOT);
      assertThat(view.remote()).isTrue();
      hot.down = true;
      // A HOT failure is reported and the read goes on to WARM: the caller still gets the memory.
      assertThat(store.get("k")).isPresent();
      assertThat(store.get("k")).isPresent();
      assertThat(view.failuresInRow()).isEqualTo(2);
      assertThat(view.up()).isFalse();
      assertThat(store.tier(Tier.WARM).up()).isTrue();
      hot.down = false;
      assertThat(store.get("k")).isPresent();
      assertThat(view.failuresInRow()).isZero();
      assertThat(view.up()).isTrue();
    }
  }
}
