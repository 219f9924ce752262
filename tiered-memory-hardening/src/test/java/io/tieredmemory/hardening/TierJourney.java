package io.tieredmemory.hardening;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.SweepResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.testkit.ManualClock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.SoftAssertions;

/**
 * Puts memories, then walks them through every tier with a {@link ManualClock} and sweeps: HOT
 * (after the put), WARM (demoted after 31 minutes), COLD (archived after 2h1m), WARM again
 * (rehydrated by a read). After each move it checks that the memory sits in the tier it should and
 * that a read gives back exactly what was put: key, content, metadata, version and instants.
 */
final class TierJourney {
  /** Promote after 3 reads (never, here: each memory is read once per tier), demote, archive. */
  static final TieringPolicy POLICY =
      TieringPolicy.custom()
          .promoteAfter(3, Duration.ofMinutes(10))
          .demoteWhenIdle(Duration.ofMinutes(30))
          .hotCapacity(100_000)
          .archiveWhenIdle(Duration.ofHours(2))
          .rehydrate(true, false)
          .sweepBatchSize(50)
          .build();

  private TierJourney() {}

  /**
   * Runs the journey for {@code cases}, collecting every mismatch in {@code softly}. {@code tiers}
   * are the store's tier stores, looked into directly to check where each memory is.
   */
  static void run(
      TieredMemory store,
      Map<Tier, TierStore> tiers,
      ManualClock clock,
      List<BadInput.Accepted> cases,
      SoftAssertions softly) {
    Map<String, Memory> stored = new LinkedHashMap<>();
    for (BadInput.Accepted c : cases) {
      try {
        stored.put(c.key(), store.put(c.key(), c.content(), c.metadata()));
      } catch (RuntimeException e) {
        softly.fail("%s: put failed: %s", c.name(), e);
      }
    }
    check(store, tiers, stored, cases, Tier.HOT, "after put", softly);

    clock.advance(Duration.ofMinutes(31));
    sweep(store, "demotion sweep", softly);
    check(store, tiers, stored, cases, Tier.WARM, "after demotion", softly);

    clock.advance(Duration.ofMinutes(121));
    sweep(store, "archive sweep", softly);
    check(store, tiers, stored, cases, Tier.COLD, "after archive", softly);
    // The read above was a COLD hit: it moved each memory back to WARM.
    check(store, tiers, stored, cases, Tier.WARM, "after rehydration", softly);
    sweep(store, "last sweep", softly);
  }

  private static void sweep(TieredMemory store, String which, SoftAssertions softly) {
    SweepResult r = store.sweep();
    softly.assertThat(r.failed()).as("%s: failed steps (%s)", which, r).isZero();
  }

  private static void check(
      TieredMemory store,
      Map<Tier, TierStore> tiers,
      Map<String, Memory> stored,
      List<BadInput.Accepted> cases,
      Tier expected,
      String when,
      SoftAssertions softly) {
    for (BadInput.Accepted c : cases) {
      Memory put = stored.get(c.key());
      if (put == null) {
        continue;
      }
      StoredMemory there = tiers.get(expected).peek(c.key());
      softly
          .assertThat(there)
          .as("%s: %s is not in %s (%s)", when, c.name(), expected, where(tiers, c.key()))
          .isNotNull();
      if (there != null) {
        same(softly, c, put, there.memory(), when + ", as " + expected + " holds it");
      }
      Optional<Memory> read;
      try {
        read = store.get(c.key());
      } catch (RuntimeException e) {
        softly.fail("%s: get of %s failed: %s", when, c.name(), e);
        continue;
      }
      softly.assertThat(read).as("%s: %s not readable", when, c.name()).isPresent();
      read.ifPresent(m -> same(softly, c, put, m, when + ", as read"));
    }
  }

  private static void same(
      SoftAssertions softly, BadInput.Accepted c, Memory put, Memory got, String when) {
    softly.assertThat(got.key()).as("%s: key of %s", when, c.name()).isEqualTo(c.key());
    if (!c.content().equals(got.content())) {
      softly.fail(
          "%s: content of %s differs: %d chars put, %d read, first difference at %d",
          when,
          c.name(),
          c.content().length(),
          got.content().length(),
          firstDifference(c.content(), got.content()));
    }
    softly
        .assertThat(got.metadata())
        .as("%s: metadata of %s", when, c.name())
        .isEqualTo(c.metadata());
    softly
        .assertThat(got.version())
        .as("%s: version of %s", when, c.name())
        .isEqualTo(put.version());
    softly
        .assertThat(got.createdAt())
        .as("%s: createdAt of %s", when, c.name())
        .isEqualTo(put.createdAt());
    softly
        .assertThat(got.updatedAt())
        .as("%s: updatedAt of %s", when, c.name())
        .isEqualTo(put.updatedAt());
  }

  private static int firstDifference(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      if (a.charAt(i) != b.charAt(i)) {
        return i;
      }
    }
    return n;
  }

  static String where(Map<Tier, TierStore> tiers, String key) {
    StringBuilder b = new StringBuilder();
    for (Tier t : Tier.values()) {
      TierStore ts = tiers.get(t);
      StoredMemory sm;
      try {
        sm = ts.peek(key);
      } catch (RuntimeException e) {
        sm = null;
      }
      b.append(t.label()).append('=').append(sm == null ? "-" : sm.version()).append(' ');
    }
    return b.toString().trim();
  }
}
