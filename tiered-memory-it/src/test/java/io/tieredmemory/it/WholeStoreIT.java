package io.tieredmemory.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.Operation;
import io.tieredmemory.core.RequestResult;
import io.tieredmemory.core.StoreStats;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.testkit.ManualClock;
import io.tieredmemory.testkit.RecordingObserver;
import io.tieredmemory.testkit.ScriptedWorkload;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The scripted workload on Redis + PostgreSQL + Chroma gives the same results, moves and events as
 * on the in-process tiers.
 */
class WholeStoreIT {

  private static Map<String, Long> run(TieredMemory.Builder builder, ManualClock clock) {
    RecordingObserver rec = new RecordingObserver();
    try (TieredMemory store = builder.clock(clock).observer(rec).listener(rec).build()) {
      ScriptedWorkload.Outcome out = ScriptedWorkload.run(store, clock);
      assertThat(out.problems()).isEmpty();
      assertThat(out.searchHits()).isEqualTo(5);
      StoreStats stats = store.stats();
      Map<String, Long> result = new TreeMap<>();
      // Backend timings exist only for remote tiers: compare everything else.
      rec.snapshot()
          .forEach(
              (k, v) -> {
                if (!k.startsWith("backend ")) {
                  result.put(k, v);
                }
              });
      for (Tier t : Tier.values()) {
        result.put("items " + t.label(), stats.tier(t).items());
      }
      result.put("first sweep demoted", (long) out.firstSweep().demoted());
      result.put("second sweep archived", (long) out.secondSweep().archived());
      result.put("sweep failures", (long) (out.firstSweep().failed() + out.secondSweep().failed()));
      return result;
    }
  }

  @Test
  void scriptedWorkload_onRealTiers_matchesInProcessTiersExactly() throws Exception {
    Map<String, Long> inProcess =
        run(
            TieredMemory.builder("scripted").policy(ScriptedWorkload.policy()).autoDiscover(false),
            new ManualClock());

    try (RealTiers real = new RealTiers("whole")) {
      TierStore hot = real.hot();
      TierStore warm = real.warm();
      TierStore cold = real.cold();
      RecordingObserver backend = new RecordingObserver();
      Map<String, Long> onReal =
          run(
              TieredMemory.builder("scripted")
                  .policy(ScriptedWorkload.policy())
                  .autoDiscover(false)
                  .hot(hot)
                  .warm(warm)
                  .cold(cold)
                  .coordinator(real.coordinator())
                  .observer(backend),
              new ManualClock());

      assertThat(onReal).isEqualTo(inProcess);
      assertThat(onReal.get("items hot")).isEqualTo(ScriptedWorkload.FINAL_HOT);
      assertThat(onReal.get("items warm")).isEqualTo(ScriptedWorkload.FINAL_WARM);
      assertThat(onReal.get("items cold")).isEqualTo(ScriptedWorkload.FINAL_COLD);
      assertThat(onReal.get("sweep failures")).isZero();
      assertThat(inProcess.get("move warm->cold " + MoveReason.WARM_IDLE.label()))
          .isEqualTo(ScriptedWorkload.ARCHIVES);
      // Remote tiers report their backend calls; none failed.
      assertThat(backend.snapshot().keySet())
          .anyMatch(k -> k.startsWith("backend hot read success"));
      assertThat(backend.snapshot().keySet())
          .anyMatch(k -> k.startsWith("backend warm write success"));
      assertThat(backend.snapshot().keySet())
          .anyMatch(k -> k.startsWith("backend cold copy success"));
      assertThat(backend.snapshot().keySet()).noneMatch(k -> k.endsWith(" error"));
      assertThat(backend.requests(Operation.GET, Tier.COLD, RequestResult.HIT))
          .isEqualTo(ScriptedWorkload.COLD_HITS);
    }
  }
}
