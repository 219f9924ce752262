package io.tieredmemory.hardening;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.SweepResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Location;
import io.tieredmemory.core.spi.ReconcileJournal;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.testkit.ManualClock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.assertj.core.api.SoftAssertions;

/**
 * A store over three tiers that outlive it, and the means to crash it: {@link #crashAndReopen()}
 * drops the {@link TieredMemory} without {@code close()} (its stale-copy lists, read windows and
 * buffered statistics are lost) and builds a new one over the same data, as a restarted process
 * would. Every write the store acknowledged is remembered, so {@link #recoverAndCheck} can prove
 * none was lost.
 */
final class CrashHarness {
  /** Promote after 3 reads in 10m, demote after 30m idle, archive after 2h idle. */
  static final TieringPolicy POLICY =
      TieringPolicy.custom()
          .promoteAfter(3, Duration.ofMinutes(10))
          .demoteWhenIdle(Duration.ofMinutes(30))
          .hotCapacity(1_000)
          .archiveWhenIdle(Duration.ofHours(2))
          .rehydrate(true, false)
          .build();

  /** Where a process gets its backends: each call is a new connection to the same data. */
  interface Servers {
    TierStore hot();

    TierStore warm();

    TierStore cold();
  }

  final ManualClock clock = new ManualClock();
  private final Servers servers;
  final Map<String, Memory> acked = new LinkedHashMap<>();
  CrashingTierStore hot;
  CrashingTierStore warm;
  CrashingTierStore cold;
  TieredMemory store;
  int crashes;

  CrashHarness(Servers servers) {
    this.servers = servers;
    open();
  }

  private void open() {
    hot = new CrashingTierStore("hot", servers.hot());
    warm = new CrashingTierStore("warm", servers.warm());
    cold = new CrashingTierStore("cold", servers.cold());
    store =
        TieredMemory.builder("crash")
            .hot(hot)
            .warm(warm)
            .cold(cold)
            .clock(clock)
            .policy(POLICY)
            // Each crash is staged at one step of a move, some made by a read: the read must make
            // it before it returns.
            .readMoves(ReadMoves.CALLER)
            .disableScheduledSweeps()
            .discoverObservers(false)
            .build();
  }

  /**
   * The process dies: the store is dropped, never closed, so everything it held in memory is gone;
   * the tiers (the servers) keep their data. A new store is built over them.
   */
  void crashAndReopen() {
    store = null;
    crashes++;
    open();
  }

  /** A put the store acknowledged (returned from); remembered as the key's latest version. */
  Memory put(String key, String content) {
    Memory m = store.put(key, content, Map.of("n", key));
    acked.put(key, m);
    return m;
  }

  /** Reads {@code n} times. */
  void read(String key, int n) {
    for (int i = 0; i < n; i++) {
      store.get(key);
    }
  }

  /** Advances the clock and sweeps. */
  SweepResult sweepAfter(Duration idle) {
    clock.advance(idle);
    return store.sweep();
  }

  /** Puts {@code key} and sweeps it down to WARM (demoted after 31 minutes). */
  Memory putInWarm(String key, String content) {
    Memory m = put(key, content);
    sweepAfter(Duration.ofMinutes(31));
    return m;
  }

  /** Puts {@code key} and sweeps it down to COLD (archived after 2h1m idle). */
  Memory putInCold(String key, String content) {
    Memory m = put(key, content);
    sweepAfter(Duration.ofMinutes(121));
    return m;
  }

  /**
   * The version each tier's server holds for {@code key}, e.g. {@code hot=- warm=a17 cold=17}
   * ({@code a17}: WARM's mark of a memory archived at version 17).
   */
  String where(String key) {
    Location l = location(key);
    return "hot="
        + version(hot.delegate().peek(key))
        + " warm="
        + (l == null ? "-" : (l instanceof Location.Archived ? "a" : "") + l.version())
        + " cold="
        + version(cold.delegate().peek(key));
  }

  private Location location(String key) {
    return warm.delegate().directory().orElseThrow().peekLocations(List.of(key)).get(key);
  }

  private static String version(StoredMemory sm) {
    return sm == null ? "-" : Long.toString(sm.version());
  }

  /**
   * After a crash: every acknowledged memory reads back with its latest version, content and
   * metadata; the next sweep succeeds; then every copy is one WARM points to (a HOT copy is a cache
   * of WARM's current version, a COLD copy the version WARM's mark names), the journal is empty,
   * and every memory still reads back.
   */
  void recoverAndCheck(SoftAssertions softly) {
    for (Memory m : acked.values()) {
      expectLatest(softly, m, "read after reopen");
    }
    SweepResult sweep = store.sweep();
    softly.assertThat(sweep.failed()).as("failed steps of the first sweep after reopen").isZero();
    checkNoDuplicates(softly);
    for (Memory m : acked.values()) {
      expectLatest(softly, m, "read after the sweep");
    }
  }

  /**
   * A COLD copy only of the version WARM's mark names, a mark only of a version COLD holds, a HOT
   * copy only of WARM's current version, and no journal note left.
   */
  void checkNoDuplicates(SoftAssertions softly) {
    for (String key : acked.keySet()) {
      StoredMemory h = hot.delegate().peek(key);
      StoredMemory w = warm.delegate().peek(key);
      StoredMemory c = cold.delegate().peek(key);
      Location l = location(key);
      if (c != null) {
        softly
            .assertThat(l)
            .as("%s: COLD holds a copy WARM does not point to (%s)", key, where(key))
            .isEqualTo(new Location.Archived(c.version()));
      }
      if (l instanceof Location.Archived) {
        softly
            .assertThat(c == null ? null : c.version())
            .as("%s: WARM's mark names a copy COLD lacks (%s)", key, where(key))
            .isEqualTo(l.version());
      }
      if (h != null) {
        softly
            .assertThat(w == null ? null : w.version())
            .as("%s: HOT copy is not WARM's version (%s)", key, where(key))
            .isEqualTo(h.version());
      }
    }
    ReconcileJournal journal = warm.delegate().journal().orElseThrow();
    for (Tier t : List.of(Tier.HOT, Tier.COLD)) {
      softly.assertThat(journal.notes(t, 100)).as("journal notes about %s left", t).isEmpty();
    }
  }

  void expectLatest(SoftAssertions softly, Memory expected, String when) {
    Optional<Memory> got = store.get(expected.key());
    softly
        .assertThat(got)
        .as("%s: %s lost (%s)", when, expected.key(), where(expected.key()))
        .isPresent();
    got.ifPresent(
        m -> {
          softly
              .assertThat(m.version())
              .as("%s: version of %s (%s)", when, m.key(), where(m.key()))
              .isEqualTo(expected.version());
          softly
              .assertThat(m.content())
              .as("%s: content of %s", when, m.key())
              .isEqualTo(expected.content());
          softly
              .assertThat(m.metadata())
              .as("%s: metadata of %s", when, m.key())
              .isEqualTo(expected.metadata());
        });
  }

  /** Runs {@code action}, which the armed fault may make throw; returns what it threw, or null. */
  static Throwable attempt(Supplier<?> action) {
    try {
      action.get();
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }
}
