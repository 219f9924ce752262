package io.tieredmemory.testkit;

import static io.tieredmemory.core.Operation.DELETE;
import static io.tieredmemory.core.Operation.GET;
import static io.tieredmemory.core.Operation.PUT;
import static io.tieredmemory.core.Operation.SEARCH;
import static io.tieredmemory.core.RequestResult.HIT;
import static io.tieredmemory.core.RequestResult.MISS;
import static io.tieredmemory.core.RequestResult.SUCCESS;
import static io.tieredmemory.core.Tier.COLD;
import static io.tieredmemory.core.Tier.HOT;
import static io.tieredmemory.core.Tier.WARM;
import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.StoreStats;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.policy.MoveReason;
import org.junit.jupiter.api.Test;

/**
 * The scripted workload on the in-process tiers: every observer call and event, counted exactly.
 */
class ScriptedWorkloadTest {

  @Test
  void scriptedWorkload_countsEveryRequestMovementAndEventExactly() {
    ManualClock clock = new ManualClock();
    RecordingObserver rec = new RecordingObserver();
    try (TieredMemory store =
        TieredMemory.builder("scripted")
            .clock(clock)
            .policy(ScriptedWorkload.policy())
            .readMoves(ReadMoves.CALLER) // the script counts each move as it happens
            .discoverObservers(false)
            .observer(rec)
            .build()) {

      ScriptedWorkload.Outcome out = ScriptedWorkload.run(store, clock);

      assertThat(out.problems()).isEmpty();
      assertThat(out.firstSweep().demoted()).isEqualTo(100);
      assertThat(out.firstSweep().archived()).isZero();
      assertThat(out.secondSweep().demoted()).isEqualTo(20);
      assertThat(out.secondSweep().archived()).isEqualTo(ScriptedWorkload.ARCHIVES);
      assertThat(out.secondSweep().failed()).isZero();
      assertThat(out.searchHits()).isEqualTo(5);

      assertThat(rec.requests(PUT, WARM, SUCCESS)).isEqualTo(ScriptedWorkload.PUTS);
      assertThat(rec.requests(GET, HOT, HIT)).isEqualTo(ScriptedWorkload.HOT_HITS);
      assertThat(rec.requests(GET, WARM, HIT)).isEqualTo(ScriptedWorkload.WARM_HITS);
      assertThat(rec.requests(GET, COLD, HIT)).isEqualTo(ScriptedWorkload.COLD_HITS);
      assertThat(rec.requests(GET, null, MISS)).isEqualTo(ScriptedWorkload.MISSES);
      assertThat(rec.requests(DELETE, WARM, SUCCESS)).isEqualTo(ScriptedWorkload.DELETES);
      assertThat(
              rec.requests(SEARCH, WARM, HIT)
                  + rec.requests(SEARCH, COLD, HIT)
                  + rec.requests(SEARCH, HOT, HIT))
          .isEqualTo(ScriptedWorkload.SEARCHES);
      assertThat(rec.count("search 5")).isEqualTo(1);

      assertThat(rec.movements(WARM, HOT, MoveReason.READ_FREQUENCY))
          .isEqualTo(ScriptedWorkload.PROMOTIONS);
      assertThat(rec.movements(HOT, WARM, MoveReason.HOT_IDLE))
          .isEqualTo(ScriptedWorkload.DEMOTIONS_IDLE);
      assertThat(rec.movements(WARM, COLD, MoveReason.WARM_IDLE))
          .isEqualTo(ScriptedWorkload.ARCHIVES);
      assertThat(rec.movements(COLD, WARM, MoveReason.COLD_READ))
          .isEqualTo(ScriptedWorkload.REHYDRATIONS);
      assertThat(rec.count("sweep success")).isEqualTo(ScriptedWorkload.SWEEPS);

      assertThat(rec.events("put")).isEqualTo(ScriptedWorkload.PUTS);
      assertThat(rec.events("promoted")).isEqualTo(ScriptedWorkload.PROMOTIONS);
      assertThat(rec.events("demoted")).isEqualTo(ScriptedWorkload.DEMOTIONS_IDLE);
      assertThat(rec.events("archived")).isEqualTo(ScriptedWorkload.ARCHIVES);
      assertThat(rec.events("rehydrated")).isEqualTo(ScriptedWorkload.REHYDRATIONS);
      assertThat(rec.events("deleted")).isEqualTo(ScriptedWorkload.DELETES);
      assertThat(rec.events("sweep_completed")).isEqualTo(ScriptedWorkload.SWEEPS);
      assertThat(rec.events("evicted")).isZero();
      assertThat(rec.events("backend_failed")).isZero();
      // Nothing else was reported: every recorded kind is accounted for above.
      assertThat(rec.snapshot().keySet())
          .allMatch(
              k ->
                  k.startsWith("request ")
                      || k.startsWith("move ")
                      || k.startsWith("event ")
                      || k.startsWith("sweep ")
                      || k.startsWith("search "));

      StoreStats stats = store.stats();
      assertThat(stats.tier(HOT).items()).isEqualTo(ScriptedWorkload.FINAL_HOT);
      assertThat(stats.tier(WARM).items()).isEqualTo(ScriptedWorkload.FINAL_WARM);
      assertThat(stats.tier(COLD).items()).isEqualTo(ScriptedWorkload.FINAL_COLD);
    }
  }

  @Test
  void scriptedWorkload_movementEventsCarryReasonsAndDetails() {
    ManualClock clock = new ManualClock();
    RecordingObserver rec = new RecordingObserver();
    try (TieredMemory store =
        TieredMemory.builder("scripted")
            .clock(clock)
            .policy(ScriptedWorkload.policy())
            .readMoves(ReadMoves.CALLER) // the script counts each move as it happens
            .discoverObservers(false)
            .observer(rec)
            .build()) {
      ScriptedWorkload.run(store, clock);
    }
    assertThat(rec.events())
        .filteredOn(e -> e.kind().equals("promoted"))
        .hasSizeGreaterThan(0)
        .allSatisfy(
            e -> {
              TierEvent.Moved p = (TierEvent.Moved) e;
              assertThat(p.detail()).isEqualTo("3 reads in 10m");
              assertThat(p.from()).isEqualTo(WARM);
              assertThat(p.to()).isEqualTo(HOT);
              assertThat(p.store()).isEqualTo("scripted");
            });
    assertThat(rec.events())
        .filteredOn(e -> e.kind().equals("demoted"))
        .extracting(e -> ((TierEvent.Moved) e).detail())
        .containsOnly("idle 31m", "idle 1h30m");
    assertThat(rec.events())
        .filteredOn(e -> e.kind().equals("archived"))
        .extracting(e -> ((TierEvent.Moved) e).detail())
        .containsOnly("idle 2h1m");
    assertThat(rec.events())
        .filteredOn(e -> e.kind().equals("rehydrated"))
        .extracting(e -> ((TierEvent.Moved) e).key())
        .containsExactly(
            "k020", "k021", "k022", "k023", "k024", "k025", "k026", "k027", "k028", "k029");
  }
}
