package io.tieredmemory.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.testkit.ManualClock;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The accepted values of {@link BadInput} (SQL- and Lua-looking keys and content, Chroma operators
 * and reserved-looking names in metadata, NUL and control characters, emoji, values at the limits,
 * a content of 1,000,000 chars) stored on real Redis, PostgreSQL and Chroma and walked HOT, WARM,
 * COLD, WARM with a manual clock: each read back byte for byte after every move, and no sweep step
 * fails. The refused values are refused here too, with the servers untouched.
 */
class BadInputIT {
  private RealBackends real;
  private final ManualClock clock = new ManualClock();
  private TieredMemory store;
  private Map<Tier, TierStore> tiers;

  @BeforeEach
  void open() {
    real = new RealBackends("badinput");
    tiers = Map.of(Tier.HOT, real.hot(), Tier.WARM, real.warm(), Tier.COLD, real.cold());
    store =
        TieredMemory.builder("bad-input")
            .hot(tiers.get(Tier.HOT))
            .warm(tiers.get(Tier.WARM))
            .cold(tiers.get(Tier.COLD))
            .embedder(real.embedder)
            .clock(clock)
            .policy(TierJourney.POLICY)
            // The journey checks every tier after each step, rehydrations by reads included.
            .readMoves(ReadMoves.CALLER)
            .discoverObservers(false)
            .build();
  }

  @AfterEach
  void close() throws Exception {
    try {
      store.close();
    } finally {
      real.close();
    }
  }

  @Test
  void acceptedInput_roundTripsThroughRedisPostgresAndChroma() {
    SoftAssertions softly = new SoftAssertions();
    TierJourney.run(store, tiers, clock, BadInput.accepted(), softly);
    softly.assertAll();
  }

  @Test
  void refusedInput_neverReachesTheServers() {
    for (BadInput.Refused c : BadInput.refused()) {
      Throwable thrown = catchThrowable(() -> c.call().accept(store));
      assertThat(thrown).as(c.name()).isInstanceOf(IllegalArgumentException.class);
      assertThat(thrown.getMessage()).as(c.name()).contains(c.field()).contains(c.shown());
    }
    assertThat(real.redisCount()).isZero();
    assertThat(real.postgresCount()).isZero();
    assertThat(real.chromaCount()).isZero();
    assertThat(store.stats().tier(Tier.WARM).items()).isZero();
  }
}
