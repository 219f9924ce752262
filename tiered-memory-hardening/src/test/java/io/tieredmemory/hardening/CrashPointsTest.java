package io.tieredmemory.hardening;

import static io.tieredmemory.hardening.CrashingTierStore.Op.COPY_IN;
import static io.tieredmemory.hardening.CrashingTierStore.Op.PEEK;
import static io.tieredmemory.hardening.CrashingTierStore.Op.REMOVE;
import static io.tieredmemory.hardening.CrashingTierStore.Op.REMOVE_IF_VERSION;
import static io.tieredmemory.hardening.CrashingTierStore.Op.TOUCH;
import static io.tieredmemory.hardening.CrashingTierStore.Op.UPSERT;
import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.TieredMemoryException;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.hardening.CrashingTierStore.Trigger;
import io.tieredmemory.hardening.CrashingTierStore.When;
import java.time.Duration;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Crash points of every move and of the write paths, on the in-process tiers (each tier object is
 * the "server": it survives the crash). Archive and rehydration are inherited from {@link
 * ArchiveRehydrateCrashes}; this class adds the put path, promotion, demotion and delete.
 */
class CrashPointsTest extends ArchiveRehydrateCrashes {

  @Override
  CrashHarness.Servers servers() {
    TierStore hot = InProcessTiers.hot();
    TierStore warm = InProcessTiers.warm(Embedder.hashing());
    TierStore cold = InProcessTiers.cold(Embedder.hashing());
    return new CrashHarness.Servers() {
      @Override
      public TierStore hot() {
        return hot;
      }

      @Override
      public TierStore warm() {
        return warm;
      }

      @Override
      public TierStore cold() {
        return cold;
      }
    };
  }

  // ---------------------------------------------------------------- put: HOT out, WARM, HOT in

  /**
   * HOT cannot remove its old copy: with the in-process coordinator (one process) the put notes the
   * key in WARM's journal, marks it, and goes on. The mark dies with the process; the note does
   * not: the reopened store removes the stale HOT copy before reads use HOT.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(When.class)
  void put_crashAfterHotRemovalFailed_staleHotCopyNeverServed(When when) {
    h.put("p1", "version one");
    Trigger t = h.hot.failNth(REMOVE, 1, when);
    h.hot.failNth(COPY_IN, 1, When.BEFORE); // and HOT stays unreachable for the rest of the put

    Memory v2 = h.put("p1", "version two");

    assertThat(t.fired()).isEqualTo(1);
    assertThat(h.store.get("p1")).as("before the crash").contains(v2);
    crashReopenAndCheck();
  }

  /** A new key: WARM stored it, HOT never got it. Reads find it in WARM. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(When.class)
  void put_crashAfterWarmBeforeHot_newKey_readable(When when) {
    Trigger t = h.hot.failNth(COPY_IN, 1, when);

    Memory m = h.put("p1", "written through to warm only");

    assertThat(t.fired()).isEqualTo(1);
    assertThat(m.content()).isEqualTo("written through to warm only");
    crashReopenAndCheck();
  }

  /**
   * A rewrite: WARM stored v2, HOT still holds v1 (its copy failed before reaching it), the put was
   * acknowledged. In memory, the store lists HOT's copy as stale and reads skip it; that list dies
   * with the process. After the crash, v2 must still be what a read returns.
   */
  @Test
  void put_crashAfterWarmBeforeHot_olderCopyInHot_readsLatest() {
    h.put("p1", "version one");
    Trigger t = h.hot.failNth(COPY_IN, 1, When.BEFORE);

    Memory v2 = h.put("p1", "version two");

    assertThat(t.fired()).isEqualTo(1);
    assertThat(h.store.get("p1")).as("before the crash").contains(v2);
    crashReopenAndCheck();
  }

  /**
   * WARM stored the write but its answer was lost: the put throws (nothing acknowledged). After the
   * crash a read returns the old or the new version, and a retried put wins.
   */
  @Test
  void put_warmAnswerLost_unacknowledgedThenRetryWins() {
    Memory v1 = h.put("p1", "version one");
    Trigger t = h.warm.failNth(UPSERT, 1, When.AFTER);

    Throwable thrown = CrashHarness.attempt(() -> h.store.put("p1", "version two"));

    assertThat(t.fired()).isEqualTo(1);
    assertThat(thrown).isInstanceOf(TieredMemoryException.class);
    h.warm.heal();
    h.crashAndReopen();
    assertThat(h.store.get("p1").map(Memory::content))
        .hasValueSatisfying(c -> assertThat(c).isIn(v1.content(), "version two"));
    h.put("p1", "version three");
    SoftAssertions softly = new SoftAssertions();
    h.recoverAndCheck(softly);
    softly.assertAll();
  }

  // ---------------------------------------------------------------- promote: WARM -> HOT

  @ParameterizedTest(name = "{0}")
  @EnumSource(When.class)
  void promote_crashAtHotCopy_readable(When when) {
    h.putInWarm("pr1", "promoted fact");
    assertThat(h.where("pr1")).startsWith("hot=- warm=");
    Trigger t = h.hot.failNth(COPY_IN, 1, when);

    h.read("pr1", 3);

    assertThat(t.fired()).isEqualTo(1);
    crashReopenAndCheck();
  }

  /** Reading WARM's current version under the lock, the promotion's first step, fails. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(When.class)
  void promote_crashAtWarmPeek_readable(When when) {
    h.putInWarm("pr1", "promoted fact");
    Trigger t = h.warm.failNth(PEEK, 1, when);

    h.read("pr1", 3);

    assertThat(t.fired()).isEqualTo(1);
    crashReopenAndCheck();
  }

  // ---------------------------------------------------------------- demote: HOT -> WARM

  @ParameterizedTest(name = "{0}")
  @EnumSource(When.class)
  void demote_crashAtWarmTouch_readable(When when) {
    h.put("d1", "demoted fact");
    Trigger t = h.warm.failNth(TOUCH, 1, when);

    h.sweepAfter(Duration.ofMinutes(31));

    assertThat(t.fired()).isEqualTo(1);
    crashReopenAndCheck();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(When.class)
  void demote_crashAfterWarmTouchBeforeHotRemoval_readable(When when) {
    h.put("d1", "demoted fact");
    h.put("d2", "another demoted fact");
    Trigger t = h.hot.failNth(REMOVE_IF_VERSION, 1, when);

    h.sweepAfter(Duration.ofMinutes(31));

    assertThat(t.fired()).isEqualTo(1);
    crashReopenAndCheck();
  }

  // ---------------------------------------------------------------- delete

  /**
   * A delete removes HOT's copy, then WARM's row. HOT's removal fails; with the in-process
   * coordinator the delete goes on (the key noted in WARM's journal and marked; reads skip HOT for
   * it) and is acknowledged. The mark dies with the process, the note does not: after the crash the
   * deleted memory must not come back, neither from HOT nor (through a demotion) into WARM.
   */
  @Test
  void delete_crashAfterHotRemovalFailed_staysDeleted() {
    h.put("x1", "deleted fact");
    h.acked.remove("x1");
    Trigger t = h.hot.failNth(REMOVE, 1, When.BEFORE);

    boolean deleted = h.store.delete("x1");

    assertThat(t.fired()).isEqualTo(1);
    assertThat(deleted).isTrue();
    assertThat(h.store.get("x1")).as("before the crash").isEmpty();
    h.hot.heal();
    h.crashAndReopen();
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(h.store.get("x1")).as("deleted, after reopen (%s)", h.where("x1")).isEmpty();
    h.sweepAfter(Duration.ofMinutes(31));
    softly.assertThat(h.store.get("x1")).as("deleted, after a sweep (%s)", h.where("x1")).isEmpty();
    softly.assertThat(h.where("x1")).isEqualTo("hot=- warm=- cold=-");
    softly.assertAll();
  }
}
