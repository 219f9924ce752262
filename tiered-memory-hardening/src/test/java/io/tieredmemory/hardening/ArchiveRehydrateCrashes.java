package io.tieredmemory.hardening;

import static io.tieredmemory.hardening.CrashingTierStore.Op.COPY_ALL_IN;
import static io.tieredmemory.hardening.CrashingTierStore.Op.COPY_IN;
import static io.tieredmemory.hardening.CrashingTierStore.Op.DELETE;
import static io.tieredmemory.hardening.CrashingTierStore.Op.FORGET;
import static io.tieredmemory.hardening.CrashingTierStore.Op.MARK_ARCHIVED;
import static io.tieredmemory.hardening.CrashingTierStore.Op.NOTE;
import static io.tieredmemory.hardening.CrashingTierStore.Op.REMOVE_ALL_IF_OLDER;
import static io.tieredmemory.hardening.CrashingTierStore.Op.REMOVE_IF_VERSION;
import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.SweepResult;
import io.tieredmemory.hardening.CrashingTierStore.Trigger;
import io.tieredmemory.hardening.CrashingTierStore.When;
import java.time.Duration;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Crashes at every step of an archive (WARM to COLD) and a rehydration (COLD to WARM), on whatever
 * tiers a subclass provides. Each test drives the store to the step, injects a failure there
 * ({@link When#BEFORE}: the call never reached the server; {@link When#AFTER}: the server did it
 * and the answer was lost), checks the failure struck, crashes the store, reopens it over the same
 * tiers and runs {@link CrashHarness#recoverAndCheck}: nothing acknowledged is lost, reads return
 * the latest version, and the next sweep leaves no copy WARM does not point to.
 */
abstract class ArchiveRehydrateCrashes {
  CrashHarness h;

  /** The tiers the store runs on; the same data for every store built in one test. */
  abstract CrashHarness.Servers servers();

  /** Releases what {@link #servers()} made. */
  void releaseServers() throws Exception {}

  @BeforeEach
  void openStore() {
    h = new CrashHarness(servers());
  }

  @AfterEach
  void closeStore() throws Exception {
    try {
      if (h.store != null) {
        h.store.close();
      }
    } finally {
      releaseServers();
    }
  }

  // ---------------------------------------------------------------- archive: WARM -> COLD

  @ParameterizedTest(name = "{0}")
  @EnumSource(When.class)
  void archive_crashAtColdCopy_nothingLostDuplicateReconciled(When when) {
    h.put("a1", "archived fact one");
    h.put("a2", "archived fact two");
    Trigger t = h.cold.failNth(COPY_ALL_IN, 1, when);

    SweepResult sweep = h.sweepAfter(Duration.ofMinutes(121));

    assertThat(t.fired()).as("the COLD copy of the archive failed").isEqualTo(1);
    assertThat(sweep.failed()).isPositive();
    crashReopenAndCheck();
  }

  /** The journal note written before the archive's copy fails: nothing is copied. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(When.class)
  void archive_crashAtJournalNote_nothingLost(When when) {
    h.put("a1", "archived fact one");
    Trigger t = h.warm.failNth(NOTE, 1, when);

    h.sweepAfter(Duration.ofMinutes(121));

    assertThat(t.fired()).as("the journal note of the archive failed").isEqualTo(1);
    assertThat(h.cold.calls(COPY_ALL_IN)).as("no copy without its note").isZero();
    crashReopenAndCheck();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(When.class)
  void archive_crashAfterColdCopyBeforeWarmMark_nothingLostDuplicateReconciled(When when) {
    h.put("a1", "archived fact one");
    Trigger t = h.warm.failNth(MARK_ARCHIVED, 1, when);

    h.sweepAfter(Duration.ofMinutes(121));

    assertThat(t.fired()).as("the WARM mark of the archive failed").isEqualTo(1);
    crashReopenAndCheck();
  }

  /** Archived and marked; forgetting the journal note fails. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(When.class)
  void archive_crashAtJournalForget_nothingLostNoteSettled(When when) {
    h.put("a1", "archived fact one");
    Trigger t = h.warm.failNth(FORGET, 1, when);

    h.sweepAfter(Duration.ofMinutes(121));

    assertThat(t.fired()).isEqualTo(1);
    crashReopenAndCheck();
  }

  /**
   * No crash: the WARM mark's answer is lost (the mark is written, the store saw an error), and the
   * store keeps running. The next sweep must not drop the only copy left, the archived one.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(When.class)
  void archive_warmMarkFailsWithoutCrash_nextSweepsKeepTheMemory(When when) {
    h.put("a1", "archived fact one");
    Trigger t = h.warm.failNth(MARK_ARCHIVED, 1, when);
    h.sweepAfter(Duration.ofMinutes(121));
    assertThat(t.fired()).isEqualTo(1);

    waitOutSweepBackoff();
    h.sweepAfter(Duration.ofSeconds(1));
    h.sweepAfter(Duration.ofMinutes(121));

    SoftAssertions softly = new SoftAssertions();
    h.recoverAndCheck(softly);
    softly.assertAll();
  }

  /** One sweep archives a batch of five; the COLD copy of the batch fails at its second item. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(When.class)
  void archiveBatch_crashAtSecondColdCopy_nothingLostDuplicateReconciled(When when) {
    for (int i = 1; i <= 5; i++) {
      h.put("b" + i, "batch fact number " + i);
    }
    Trigger t = h.cold.failBatchItem(COPY_ALL_IN, 2, when);

    h.sweepAfter(Duration.ofMinutes(121));

    assertThat(t.fired()).isEqualTo(1);
    crashReopenAndCheck();
  }

  /** The batch is copied to COLD; WARM's marking of the batch fails at its second item. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(When.class)
  void archiveBatch_crashAtSecondWarmMark_nothingLostDuplicateReconciled(When when) {
    for (int i = 1; i <= 5; i++) {
      h.put("b" + i, "batch fact number " + i);
    }
    Trigger t = h.warm.failBatchItem(MARK_ARCHIVED, 2, when);

    h.sweepAfter(Duration.ofMinutes(121));

    assertThat(t.fired()).isEqualTo(1);
    crashReopenAndCheck();
  }

  /**
   * Five archived memories are rewritten; their archived copies are stale (WARM noted them with
   * each write). The sweep that removes them fails at the second item of its batch, then the
   * process dies.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(When.class)
  void staleColdDrop_crashAtSecondItemOfBatch_newVersionsServedOldCopiesDropped(When when) {
    for (int i = 1; i <= 5; i++) {
      h.put("s" + i, "first version " + i);
    }
    h.sweepAfter(Duration.ofMinutes(121));
    for (int i = 1; i <= 5; i++) {
      h.put("s" + i, "second version " + i);
    }
    Trigger t = h.cold.failBatchItem(REMOVE_ALL_IF_OLDER, 2, when);

    h.sweepAfter(Duration.ofSeconds(1));

    assertThat(t.fired()).isEqualTo(1);
    crashReopenAndCheck();
  }

  // ---------------------------------------------------------------- rehydrate: COLD -> WARM

  @ParameterizedTest(name = "{0}")
  @EnumSource(When.class)
  void rehydrate_crashAtWarmCopy_nothingLostDuplicateReconciled(When when) {
    h.putInCold("r1", "rehydrated fact one");
    long v = h.acked.get("r1").version();
    assertThat(h.where("r1")).isEqualTo("hot=- warm=a" + v + " cold=" + v);
    Trigger t = h.warm.failNth(COPY_IN, 1, when);

    assertThat(h.store.get("r1")).as("the read is served from COLD anyway").isPresent();

    assertThat(t.fired()).isEqualTo(1);
    crashReopenAndCheck();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(When.class)
  void rehydrate_crashAfterWarmCopyBeforeColdRemoval_nothingLostDuplicateReconciled(When when) {
    h.putInCold("r1", "rehydrated fact one");
    Trigger t = h.cold.failNth(REMOVE_IF_VERSION, 1, when);

    assertThat(h.store.get("r1")).isPresent();

    assertThat(t.fired()).isEqualTo(1);
    crashReopenAndCheck();
  }

  /** An archived memory is deleted; removing its COLD copy fails, then the process dies. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(When.class)
  void deleteOfArchived_crashAtColdRemoval_staysDeletedCopyRemoved(When when) {
    h.putInCold("x1", "deleted archived fact");
    h.acked.remove("x1");
    Trigger t = h.cold.failNth(REMOVE_IF_VERSION, 1, when);

    assertThat(h.store.delete("x1")).isTrue();

    assertThat(t.fired()).isEqualTo(1);
    assertThat(h.store.get("x1")).isEmpty();
    crashReopenAndCheck();
    assertThat(h.store.get("x1")).isEmpty();
    assertThat(h.where("x1")).isEqualTo("hot=- warm=- cold=-");
  }

  /** WARM removed the mark (noting COLD's copy) but the answer was lost: the delete throws. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(When.class)
  void deleteOfArchived_crashAtWarmDelete_deletedOrNotNeverHalf(When when) {
    h.putInCold("x1", "deleted archived fact");
    Trigger t = h.warm.failNth(DELETE, 1, when);

    Throwable thrown = CrashHarness.attempt(() -> h.store.delete("x1"));

    assertThat(t.fired()).isEqualTo(1);
    assertThat(thrown).isNotNull();
    if (when == When.AFTER) {
      h.acked.remove("x1"); // it took effect
    }
    crashReopenAndCheck();
    assertThat(h.store.get("x1").isPresent()).isEqualTo(when == When.BEFORE);
  }

  /**
   * No crash: the COLD removal fails and the store keeps running; the next sweep drops the copy.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(When.class)
  void rehydrate_coldRemovalFailsWithoutCrash_nextSweepDropsTheCopy(When when) {
    h.putInCold("r1", "rehydrated fact one");
    Trigger t = h.cold.failNth(REMOVE_IF_VERSION, 1, when);
    assertThat(h.store.get("r1")).isPresent();
    assertThat(t.fired()).isEqualTo(1);

    waitOutSweepBackoff();
    SoftAssertions softly = new SoftAssertions();
    h.recoverAndCheck(softly);
    softly.assertAll();
  }

  /**
   * A sweep step that failed is skipped for the next second of the store's clock (the sweeper's
   * back-off), and a skipped step counts as failed.
   */
  void waitOutSweepBackoff() {
    h.clock.advance(Duration.ofSeconds(2));
  }

  void crashReopenAndCheck() {
    h.cold.heal();
    h.warm.heal();
    h.hot.heal();
    h.crashAndReopen();
    SoftAssertions softly = new SoftAssertions();
    h.recoverAndCheck(softly);
    softly.assertAll();
  }
}
