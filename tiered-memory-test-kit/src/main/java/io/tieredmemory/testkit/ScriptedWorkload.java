package io.tieredmemory.testkit;

import io.tieredmemory.core.SweepResult;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A fixed workload whose every count is known in advance: 100 puts, 300 gets (200 HOT hits, 80 WARM
 * hits, 10 COLD hits, 10 misses), 2 sweeps, 10 deletes and 1 search, with 20 promotions, 120
 * demotions, 80 archives and 10 rehydrations. Run it on any store built with {@link #policy()} and
 * a {@link ManualClock}, making the moves reads cause on the reading thread ({@code
 * readMoves(ReadMoves.CALLER)}: the script counts each move as it happens); the same counts must
 * come out whatever the tiers are (in process or real), which is how backends and metrics are
 * checked against each other.
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock();
 * TieredMemory store = TieredMemory.builder("t").clock(clock).policy(ScriptedWorkload.policy())
 *     .readMoves(ReadMoves.CALLER).build();
 * ScriptedWorkload.Outcome out = ScriptedWorkload.run(store, clock);
 * assertThat(out.secondSweep().archived()).isEqualTo(ScriptedWorkload.ARCHIVES);
 * }</pre>
 *
 * <p>The script, with {@code T0} the clock at the start:
 *
 * <ol>
 *   <li>T0: put {@code k000..k099}; read each once (100 HOT hits).
 *   <li>T0+31m: sweep: all 100 idle in HOT for 31m are demoted. Read {@code k000..k019} three times
 *       each (60 WARM hits; the third read of each promotes it: 20 promotions), then five more
 *       rounds of those 20 (100 HOT hits).
 *   <li>T0+2h1m: sweep: the 20 hot ones (idle 1h30m) are demoted; {@code k020..k099} (idle 2h1m,
 *       over the 2h archive threshold) are archived (80); the 20 (idle 1h30m) stay in WARM. Read
 *       {@code k000..k019} once (20 WARM hits, no promotion), {@code k020..k029} once (10 COLD
 *       hits, each rehydrated to WARM), and {@code x000..x009} (10 misses). Delete {@code
 *       k090..k099} (archived). Search once.
 * </ol>
 *
 * Final state: HOT 0, WARM 30, COLD 60.
 */
public final class ScriptedWorkload {
  public static final int PUTS = 100;
  public static final int GETS = 300;
  public static final int HOT_HITS = 200;
  public static final int WARM_HITS = 80;
  public static final int COLD_HITS = 10;
  public static final int MISSES = 10;
  public static final int DELETES = 10;
  public static final int SEARCHES = 1;
  public static final int SWEEPS = 2;
  public static final int PROMOTIONS = 20;
  public static final int DEMOTIONS_IDLE = 120;
  public static final int ARCHIVES = 80;
  public static final int REHYDRATIONS = 10;
  public static final int FINAL_HOT = 0;
  public static final int FINAL_WARM = 30;
  public static final int FINAL_COLD = 60;

  private ScriptedWorkload() {}

  /**
   * What the script needs: promote after 3 reads in 10m, demote after 30m idle, archive after 2h
   * idle, rehydrate on read without promoting.
   */
  public static TieringPolicy policy() {
    return TieringPolicy.custom()
        .promoteAfter(3, Duration.ofMinutes(10))
        .demoteWhenIdle(Duration.ofMinutes(30))
        .hotCapacity(1_000)
        .archiveWhenIdle(Duration.ofHours(2))
        .rehydrate(true, false)
        .build();
  }

  /**
   * What the script saw along the way.
   *
   * @param firstSweep the sweep at T0+31m
   * @param secondSweep the sweep at T0+2h1m
   * @param searchHits how many results the search returned
   * @param problems every read that did not return what the script expected (empty when all did)
   */
  public record Outcome(
      SweepResult firstSweep, SweepResult secondSweep, int searchHits, List<String> problems) {}

  /** The key of memory {@code i}: {@code k000}..{@code k099}. */
  public static String key(int i) {
    return String.format("k%03d", i);
  }

  /** The content written for memory {@code i}. */
  public static String content(int i) {
    return "memory " + i + ": the agent noted fact number " + i;
  }

  /** Runs the script on {@code store}, whose clock must be {@code clock}. */
  public static Outcome run(TieredMemory store, ManualClock clock) {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      store.put(key(i), content(i), java.util.Map.of("n", Integer.toString(i)));
    }
    for (int i = 0; i < 100; i++) {
      expect(store, i, problems);
    }

    clock.advance(Duration.ofMinutes(31));
    SweepResult first = store.sweep();
    for (int i = 0; i < 20; i++) {
      for (int r = 0; r < 3; r++) {
        expect(store, i, problems);
      }
    }
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < 20; i++) {
        expect(store, i, problems);
      }
    }

    clock.advance(Duration.ofMinutes(90));
    SweepResult second = store.sweep();
    for (int i = 0; i < 30; i++) {
      expect(store, i, problems);
    }
    for (int i = 0; i < 10; i++) {
      String missing = String.format("x%03d", i);
      if (store.get(missing).isPresent()) {
        problems.add("expected no memory at " + missing);
      }
    }
    for (int i = 90; i < 100; i++) {
      if (!store.delete(key(i))) {
        problems.add("delete of " + key(i) + " found nothing");
      }
    }
    int hits = store.search("the agent noted fact number 25", 5).size();
    return new Outcome(first, second, hits, problems);
  }

  private static void expect(TieredMemory store, int i, List<String> problems) {
    String got = store.get(key(i)).map(m -> m.content()).orElse(null);
    if (!content(i).equals(got)) {
      problems.add("get " + key(i) + " returned " + got);
    }
  }
}
