package io.tieredmemory.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.HistoryEntry;
import io.tieredmemory.core.HistoryEntry.Kind;
import io.tieredmemory.core.MemoryHistory;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.KeyCoordinator;
import io.tieredmemory.core.spi.TierObserver;
import io.tieredmemory.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Memories' history on the real tiers (HOT Redis, WARM PostgreSQL, COLD Chroma), two instances
 * sharing them and one restarted: each memory's history, read from either instance, is exactly what
 * both did to it, in order, each entry naming its instance.
 */
class HistoryIT {
  private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
  private static final TieringPolicy POLICY =
      TieringPolicy.custom()
          .promoteAfter(3, Duration.ofMinutes(10))
          .demoteWhenIdle(Duration.ofMinutes(30))
          .hotCapacity(4)
          .archiveWhenIdle(Duration.ofHours(1))
          .build();

  /** One thing an instance did to a key, as its events tell it. */
  private record Step(
      String key,
      Kind kind,
      long version,
      @Nullable Tier from,
      @Nullable Tier to,
      @Nullable MoveReason reason,
      String instance) {}

  private static TieredMemory instance(
      RealTiers real,
      ManualClock clock,
      String id,
      KeyCoordinator coordinator,
      List<Step> happened) {
    return TieredMemory.builder("history-it")
        // each memory's history is checked step by step: moves reads cause are made before get
        // returns
        .readMoves(ReadMoves.CALLER)
        .discoverObservers(false)
        .disableScheduledSweeps()
        .clock(clock)
        .policy(POLICY)
        .hot(real.hot())
        .warm(real.warm())
        .cold(real.cold())
        .embedder(real.embedder)
        .coordinator(coordinator)
        .history(true)
        .instanceId(id)
        .observer(TierObserver.events(e -> record(e, id, happened)))
        .build();
  }

  private static void record(TierEvent e, String instance, List<Step> happened) {
    if (e instanceof TierEvent.Put p) {
      happened.add(new Step(p.key(), Kind.PUT, p.version(), null, Tier.WARM, null, instance));
    } else if (e instanceof TierEvent.Moved m) {
      happened.add(
          new Step(
              m.key(),
              Kind.valueOf(m.kind().toUpperCase(java.util.Locale.ROOT)),
              m.version(),
              m.from(),
              m.to(),
              m.reason(),
              instance));
    } else if (e instanceof TierEvent.Evicted v) {
      happened.add(
          new Step(v.key(), Kind.EVICTED, v.version(), v.tier(), null, v.reason(), instance));
    } else if (e instanceof TierEvent.Deleted d && d.existed()) {
      // The event carries no version: compared by kind, from and instance.
      happened.add(new Step(d.key(), Kind.DELETED, -1, null, null, null, instance));
    }
  }

  private static Step step(HistoryEntry e) {
    return new Step(
        e.key(),
        e.kind(),
        e.kind() == Kind.DELETED ? -1 : e.version(),
        e.kind() == Kind.DELETED ? null : e.from(),
        e.to(),
        e.reason(),
        e.instance());
  }

  @Test
  void twoInstancesAndARestart_everyMemorysHistoryIsWhatHappened_inOrder() throws Exception {
    try (RealTiers real = new RealTiers("history")) {
      ManualClock clock = new ManualClock(T0);
      List<Step> happened = new CopyOnWriteArrayList<>();
      KeyCoordinator coordA = real.coordinator();
      KeyCoordinator coordB = real.coordinator();
      TieredMemory a = instance(real, clock, "a", coordA, happened);
      TieredMemory b = instance(real, clock, "b", coordB, happened);
      try {
        // A scripted life first: every kind of entry, by both instances, across a restart.
        long v1 = a.put("life", "first").version();
        clock.advance(Duration.ofMinutes(31));
        b.sweep(); // demoted by b
        for (int i = 0; i < 3; i++) {
          clock.advance(Duration.ofMinutes(1));
          assertThat(b.get("life")).isPresent(); // promoted by b on the third read
        }
        a.close(); // flushes a's history
        a = instance(real, clock, "a", real.coordinator(), happened); // restarted
        clock.advance(Duration.ofMinutes(31));
        a.sweep(); // demoted by a
        clock.advance(Duration.ofHours(2));
        a.sweep(); // archived by a
        clock.advance(Duration.ofMinutes(1));
        assertThat(b.get("life")).isPresent(); // rehydrated by b
        clock.advance(Duration.ofMinutes(1));
        long v2 = a.put("life", "second").version();
        clock.advance(Duration.ofMinutes(1));
        b.delete("life");

        b.history("life"); // b's entries written
        MemoryHistory life = a.history("life");
        assertThat(life.tier()).isNull();
        assertThat(life.entries())
            .extracting(
                HistoryEntry::kind,
                HistoryEntry::instance,
                HistoryEntry::version,
                HistoryEntry::reason)
            .containsExactly(
                org.assertj.core.groups.Tuple.tuple(Kind.PUT, "a", v1, null),
                org.assertj.core.groups.Tuple.tuple(Kind.DEMOTED, "b", v1, MoveReason.HOT_IDLE),
                org.assertj.core.groups.Tuple.tuple(
                    Kind.PROMOTED, "b", v1, MoveReason.READ_FREQUENCY),
                org.assertj.core.groups.Tuple.tuple(Kind.DEMOTED, "a", v1, MoveReason.HOT_IDLE),
                org.assertj.core.groups.Tuple.tuple(Kind.ARCHIVED, "a", v1, MoveReason.WARM_IDLE),
                org.assertj.core.groups.Tuple.tuple(Kind.REHYDRATED, "b", v1, MoveReason.COLD_READ),
                org.assertj.core.groups.Tuple.tuple(Kind.PUT, "a", v2, null),
                org.assertj.core.groups.Tuple.tuple(Kind.DELETED, "b", v2, null));
        assertThat(life.entries().get(2).inputs())
            .containsEntry(HistoryEntry.Inputs.READS, 3L)
            .containsEntry(HistoryEntry.Inputs.READS_SPAN_MS, 120_000L);
        assertThat(b.history("life").entries()).isEqualTo(life.entries());

        // Then a seeded random workload on both, with another restart halfway.
        happened.clear();
        Random r = new Random(15);
        int keys = 12;
        for (int op = 0; op < 400; op++) {
          if (op == 200) {
            b.close();
            b = instance(real, clock, "b", real.coordinator(), happened);
          }
          TieredMemory via = r.nextBoolean() ? a : b;
          String key = "k" + r.nextInt(keys);
          int what = r.nextInt(20);
          if (what < 8) {
            via.put(key, "content " + op);
          } else if (what < 16) {
            via.get(key);
          } else if (what < 17) {
            via.delete(key);
          } else {
            via.sweep();
          }
          // Each step at an instant of its own: entries of two instances order by time.
          clock.advance(Duration.ofMillis(1 + (r.nextInt(5) == 0 ? r.nextInt(40 * 60_000) : 0)));
        }
        a.history("k0");
        b.history("k0");
        Map<String, List<Step>> expected = new HashMap<>();
        for (Step s : happened) {
          expected.computeIfAbsent(s.key(), k -> new ArrayList<>()).add(s);
        }
        int entries = 0;
        for (int k = 0; k < keys; k++) {
          String key = "k" + k;
          List<Step> got = new ArrayList<>();
          MemoryHistory h = (k % 2 == 0 ? a : b).history(key);
          for (HistoryEntry e : h.entries()) {
            got.add(step(e)); // keys of their own: the scripted part wrote none of them
          }
          assertThat(got).as(key).isEqualTo(expected.getOrDefault(key, List.of()));
          assertThat(h.entries()).extracting(HistoryEntry::id).doesNotHaveDuplicates();
          entries += got.size();
        }
        assertThat(entries).as("entries checked").isGreaterThan(200);
        assertThat(happened.stream().map(Step::kind).distinct())
            .contains(Kind.PUT, Kind.PROMOTED, Kind.DEMOTED, Kind.ARCHIVED, Kind.DELETED);
        assertThat(a.historyDropped() + b.historyDropped()).isZero();
      } finally {
        a.close();
        b.close();
      }
    }
  }
}
