package io.tieredmemory.examples.biometric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.TierStore;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultInjectingTierStoreTest {
  private static final Instant T = Instant.parse("2026-11-30T10:00:00Z");

  @Test
  void wrap_zeroRate_returnsTheTierItself() {
    TierStore warm = InProcessTiers.warm(Embedder.hashing());
    assertThat(FaultInjectingTierStore.wrap(warm, 0)).isSameAs(warm);
  }

  @Test
  void wrap_searchableTier_staysSearchableAndKeepsItsKind() {
    TierStore wrapped = FaultInjectingTierStore.wrap(InProcessTiers.warm(Embedder.hashing()), 0.5);
    assertThat(wrapped.vectorSearch()).isPresent();
    assertThat(wrapped.kind()).isEqualTo("in-process");
    assertThat(wrapped.isRemote()).isFalse();
    assertThat(FaultInjectingTierStore.wrap(InProcessTiers.hot(), 0.5).vectorSearch()).isEmpty();
  }

  @Test
  void read_alwaysFailing_failsBeforeTheBackendAndEverythingElsePassesThrough() {
    TierStore warm = InProcessTiers.warm(Embedder.hashing());
    TierStore failing = FaultInjectingTierStore.wrap(warm, 1);
    Memory m = new Memory("bio:u-1:hrv:1", "hrv 40 ms", Map.of(), T, T, 1);

    failing.upsert(m, T.toEpochMilli());
    long readsBefore = warm.peek("bio:u-1:hrv:1").accessCount();
    assertThatThrownBy(() -> failing.read("bio:u-1:hrv:1", T.toEpochMilli()))
        .isInstanceOf(FaultInjectingTierStore.InjectedFaultException.class)
        .hasMessageContaining("--fault-rate 0");
    assertThat(FaultInjectingTierStore.injected(failing)).isEqualTo(1);
    // The store reads WARM through its directory: that read fails the same way.
    assertThatThrownBy(
            () -> failing.directory().orElseThrow().locate("bio:u-1:hrv:1", T.toEpochMilli()))
        .isInstanceOf(FaultInjectingTierStore.InjectedFaultException.class);
    assertThat(FaultInjectingTierStore.injected(failing)).isEqualTo(2);
    assertThat(failing.peek("bio:u-1:hrv:1")).isNotNull();
    assertThat(failing.count()).isEqualTo(1);
    // A memory's timeline is not a memory read: the history log's read never fails.
    assertThat(failing.history().orElseThrow().read("bio:u-1:hrv:1", 10)).isEmpty();
    assertThat(FaultInjectingTierStore.injected(failing)).isEqualTo(2);
    assertThat(warm.peek("bio:u-1:hrv:1").accessCount())
        .as("the backend was not read")
        .isEqualTo(readsBefore);
  }

  @Test
  void wrap_badRate_refusedNamingIt() {
    assertThatThrownBy(() -> FaultInjectingTierStore.wrap(InProcessTiers.hot(), 1.5))
        .hasMessage("rate must be between 0 and 1, was 1.5");
  }
}
