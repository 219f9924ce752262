package io.tieredmemory.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.SweepResult;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.Embedder;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The documented back-off of a failing sweep step (docs/architecture.md, "The path of a move"): a
 * step whose backend fails is skipped for 1 s, then 2 s, 4 s... of the store's clock, counted from
 * the end of the sweep that failed; a skipped step makes the sweep report a failure; a success ends
 * the back-off. Every sweep flushes each tier's buffered statistics first.
 */
class SweepBackoffTest {
  private final ManualClock clock = new ManualClock();
  private final FaultyTierStore hot = new FaultyTierStore(InProcessTiers.hot());
  private final FaultyTierStore warm = new FaultyTierStore(InProcessTiers.warm(Embedder.hashing()));
  private final FaultyTierStore cold = new FaultyTierStore(InProcessTiers.cold(Embedder.hashing()));
  private TieredMemory store;

  @BeforeEach
  void open() {
    store = LocalTiers.sweepingStore("backoff", hot, warm, cold, clock).build();
    store.put("a", "alpha");
    store.sweep(); // the start-up check of HOT, so later sweeps only plan and move
  }

  @AfterEach
  void close() {
    store.close();
  }

  /** Sweeps, and returns whether the archive step asked WARM for candidates. */
  private boolean sweepAsksWarm(SweepResult[] result) {
    long before = warm.calls("oldestAccessed");
    result[0] = store.sweep();
    return warm.calls("oldestAccessed") > before;
  }

  @Test
  void aFailingStep_isSkippedFor1s_then2s_ofTheStoresClock_andASuccessEndsTheBackoff() {
    SweepResult[] r = new SweepResult[1];
    warm.failing("oldestAccessed").set(true);
    assertThat(sweepAsksWarm(r)).as("first failure: the step ran").isTrue();
    assertThat(r[0].succeeded()).isFalse();

    clock.advance(Duration.ofMillis(999));
    assertThat(sweepAsksWarm(r)).as("999 ms after the first failure: skipped").isFalse();
    assertThat(r[0].succeeded()).as("a skipped step is reported as a failure").isFalse();

    clock.advance(Duration.ofMillis(1));
    assertThat(sweepAsksWarm(r)).as("1 s after the first failure: retried").isTrue();
    assertThat(r[0].succeeded()).isFalse();

    clock.advance(Duration.ofMillis(1999));
    assertThat(sweepAsksWarm(r)).as("1999 ms after the second failure: skipped").isFalse();

    warm.failing("oldestAccessed").set(false);
    clock.advance(Duration.ofMillis(1));
    assertThat(sweepAsksWarm(r)).as("2 s after the second failure: retried").isTrue();
    assertThat(r[0].succeeded()).as("the step now succeeds").isTrue();

    assertThat(sweepAsksWarm(r)).as("after a success: no back-off left").isTrue();
    assertThat(r[0].succeeded()).isTrue();
  }

  @Test
  void aStepWhoseMovesFail_keepsLengtheningItsBackoff_thoughItsPlanningSucceeds() {
    hot.remove("a");
    clock.advance(Duration.ofHours(2));
    cold.failing("copyAllIn").set(true); // archiving plans from WARM, then fails to copy to COLD

    long copies = cold.calls("copyAllIn");
    assertThat(store.sweep().failed()).isEqualTo(1);
    assertThat(cold.calls("copyAllIn")).as("first attempt").isEqualTo(copies + 1);

    clock.advance(Duration.ofSeconds(1));
    assertThat(store.sweep().failed()).isEqualTo(1);
    assertThat(cold.calls("copyAllIn")).as("retried after 1 s").isEqualTo(copies + 2);

    // Planned successfully both times, failed both times: the next wait is 2 s, not 1 s again.
    clock.advance(Duration.ofMillis(1999));
    store.sweep();
    assertThat(cold.calls("copyAllIn"))
        .as("1999 ms after the second failure")
        .isEqualTo(copies + 2);
    cold.failing("copyAllIn").set(false);
    clock.advance(Duration.ofMillis(1));
    assertThat(store.sweep().archived()).isEqualTo(1);
  }

  @Test
  void theStepThatFails_isTheOnlyOneBackingOff_andArchivesResumeAfterIt() {
    SweepResult[] r = new SweepResult[1];
    hot.remove("a");
    clock.advance(Duration.ofHours(2));
    warm.failing("oldestAccessed").set(true);
    sweepAsksWarm(r);
    assertThat(r[0].archived()).isZero();
    assertThat(warm.peek("a")).as("still in WARM while archiving fails").isNotNull();

    long hotListings = hot.calls("oldestAccessed");
    clock.advance(Duration.ofMillis(10));
    sweepAsksWarm(r);
    assertThat(hot.calls("oldestAccessed"))
        .as("HOT's demotion steps run while WARM's archive step backs off")
        .isGreaterThan(hotListings);

    warm.failing("oldestAccessed").set(false);
    clock.advance(Duration.ofSeconds(1));
    sweepAsksWarm(r);
    assertThat(r[0].archived()).as("archived once the back-off ended").isEqualTo(1);
  }

  @Test
  void everySweep_flushesEachTiersBufferedStatisticsFirst() {
    long[] before = {hot.calls("flush"), warm.calls("flush"), cold.calls("flush")};
    store.sweep();
    assertThat(new long[] {hot.calls("flush"), warm.calls("flush"), cold.calls("flush")})
        .containsExactly(before[0] + 1, before[1] + 1, before[2] + 1);
  }
}
