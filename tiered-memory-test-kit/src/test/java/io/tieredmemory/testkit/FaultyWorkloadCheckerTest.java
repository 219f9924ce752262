package io.tieredmemory.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.Operation;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.RequestResult;
import io.tieredmemory.core.SweepResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.Location;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Seeded random workloads on a manual clock, with backend faults switched on and off at random
 * (every tier, every SPI method the store uses), checking after each one what users and observer
 * authors rely on:
 *
 * <ul>
 *   <li>every acknowledged put is read back, every acknowledged delete stays deleted, and a put or
 *       delete that threw changed nothing (faults fail a call before it reaches the tier);
 *   <li>the three facts of docs/architecture.md, once the faults stop and a sweep settled: HOT
 *       holds no copy or WARM's version, WARM holds the memory or a mark naming COLD's version, and
 *       COLD holds no copy WARM does not point to;
 *   <li>the start hooks' contract ({@link TierObserver}'s class comment): every start ends exactly
 *       once on its thread, last in first out, with a failed request completing as {@code ERROR};
 *       moves never start inside a request, a move's {@code movementEnded} counts exactly the
 *       {@code movementCompleted} calls between, and reports the error the move threw;
 *   <li>every duration reported (hooks and events) lies between zero and the run's own duration.
 * </ul>
 *
 * <p>One workload is one seed; a failure names it. Runs in a few seconds, so it also runs in
 * mutation testing (scripts/mutation.sh), where the interleaving checker is too slow.
 */
class FaultyWorkloadCheckerTest {
  private static final int SEEDS = Integer.getInteger("tm.faulty.seeds", 300);
  private static final int OPS = 160;
  private static final int KEYS = 12;

  /** The SPI methods a move, a read or a write calls: the faults' targets. */
  private static final List<String> FAULTS =
      List.of(
          "read",
          "peek",
          "peekAll",
          "upsert",
          "copyIn",
          "copyAllIn",
          "remove",
          "removeIfVersion",
          "removeAllIfVersion",
          "removeIfOlder",
          "touch",
          "oldestAccessed",
          "locateAll",
          "peekLocations",
          "markArchived",
          "note",
          "notes",
          "forget",
          "search");

  @Test
  void acknowledgedWritesSurvive_factsHold_andStartHooksKeepTheirContract_overSeededFaults() {
    int moves = 0;
    int failures = 0;
    // The store logs each injected failure with its stack trace: thousands of them here.
    Logger log = Logger.getLogger("io.tieredmemory");
    Level before = log.getLevel();
    log.setLevel(Level.OFF);
    try {
      for (int seed = 1; seed <= SEEDS; seed++) {
        Outcome o = runSeed(seed);
        moves += o.moves;
        failures += o.failures;
      }
    } finally {
      log.setLevel(before);
    }
    // The workloads must actually move memories and hit faults, or the checks check nothing.
    assertThat(moves).as("moves made over all seeds").isGreaterThan(SEEDS * 5);
    assertThat(failures).as("operations that threw an injected fault").isGreaterThan(SEEDS);
  }

  record Outcome(int moves, int failures) {}

  private static Outcome runSeed(int seed) {
    Random random = new Random(seed);
    ManualClock clock = new ManualClock();
    FaultyTierStore hot = new FaultyTierStore(InProcessTiers.hot());
    FaultyTierStore warm = new FaultyTierStore(InProcessTiers.warm(Embedder.hashing()));
    FaultyTierStore cold = new FaultyTierStore(InProcessTiers.cold(Embedder.hashing()));
    List<FaultyTierStore> tiers = List.of(hot, warm, cold);
    ContractObserver contract = new ContractObserver();
    TieringPolicy policy =
        TieringPolicy.custom()
            .promoteAfter(2, Duration.ofMinutes(10))
            .demoteWhenIdle(Duration.ofMinutes(1 + random.nextInt(3)))
            .hotCapacity(2 + random.nextInt(4))
            .archiveWhenIdle(Duration.ofMinutes(4 + random.nextInt(6)))
            .rehydrate(true, random.nextBoolean())
            .sweepBatchSize(1 + random.nextInt(4))
            .build();
    long began = System.nanoTime();
    Map<String, String> model = new HashMap<>();
    int failures = 0;
    try (TieredMemory store =
        TieredMemory.builder("faulty-" + seed)
            // the test tiers say they are remote: make each read's move before it returns,
            // so what the test checks next does not race a background move
            .readMoves(ReadMoves.CALLER)
            .hot(hot)
            .warm(warm)
            .cold(cold)
            .clock(clock)
            .policy(policy)
            .disableScheduledSweeps()
            .discoverObservers(false)
            .observer(contract)
            .build()) {
      for (int i = 0; i < OPS; i++) {
        String where = "seed " + seed + ", op " + i;
        if (random.nextInt(8) == 0) {
          toggleAFault(random, tiers);
        }
        String key = "k" + random.nextInt(KEYS);
        int what = random.nextInt(100);
        try {
          if (what < 30) {
            String content = key + " v" + i;
            store.put(key, content);
            model.put(key, content);
          } else if (what < 65) {
            String got = store.get(key).map(Memory::content).orElse(null);
            assertThat(got).as(where + ": get " + key).isEqualTo(model.get(key));
          } else if (what < 72) {
            boolean existed = store.delete(key);
            assertThat(existed)
                .as(where + ": delete " + key + " existed")
                .isEqualTo(model.containsKey(key));
            model.remove(key);
          } else if (what < 77) {
            store.search("v" + random.nextInt(OPS), 3);
          } else if (what < 90) {
            clock.advance(Duration.ofSeconds(15 + random.nextInt(120)));
          } else {
            SweepResult r = store.sweep();
            assertThat(r.took().isNegative()).as(where + ": sweep took " + r.took()).isFalse();
            // What a sweep says it did is what its observers heard, move for move.
            assertThat(new int[] {r.demoted(), r.archived(), r.reconciled()})
                .as(where + ": sweep result (demoted, archived, reconciled) vs hooks")
                .containsExactly(contract.lastSweep);
          }
        } catch (RuntimeException e) {
          if (!isInjected(e)) {
            throw new AssertionError(where + ": unexpected " + e, e);
          }
          failures++;
        }
        contract.assertIdle(where);
      }
      for (FaultyTierStore t : tiers) {
        t.failing().set(false);
        for (String m : FAULTS) {
          t.failing(m).set(false);
        }
      }
      // Settle: the first sweep removes stale HOT copies and COLD copies WARM does not point to.
      clock.advance(Duration.ofSeconds(1));
      store.sweep();
      clock.advance(Duration.ofMinutes(10));
      store.sweep();
      String where = "seed " + seed + " after settling";
      assertFacts(where, hot, warm, cold);
      for (int k = 0; k < KEYS; k++) {
        String key = "k" + k;
        String got = store.get(key).map(Memory::content).orElse(null);
        assertThat(got).as(where + ": get " + key).isEqualTo(model.get(key));
      }
      contract.assertIdle(where);
    }
    assertThat(contract.movedEvents)
        .as("seed " + seed + ": Moved events vs movementCompleted")
        .isEqualTo(contract.moved);
    assertThat(contract.evictedEvents)
        .as("seed " + seed + ": Evicted events vs evicted")
        .isEqualTo(contract.evicted);
    long elapsed = System.nanoTime() - began;
    contract.assertDurationsWithin("seed " + seed, elapsed);
    assertThat(contract.violations).as("seed " + seed + ": start-hook contract").isEmpty();
    return new Outcome(contract.moved, failures);
  }

  private static void toggleAFault(Random random, List<FaultyTierStore> tiers) {
    FaultyTierStore tier = tiers.get(random.nextInt(tiers.size()));
    if (random.nextInt(10) == 0) {
      tier.failing().set(!tier.failing().get());
    } else {
      var fault = tier.failing(FAULTS.get(random.nextInt(FAULTS.size())));
      fault.set(!fault.get());
    }
  }

  private static boolean isInjected(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (String.valueOf(t.getMessage()).contains("injected fault")) {
        return true;
      }
    }
    return false;
  }

  private static void assertFacts(
      String where, FaultyTierStore hot, FaultyTierStore warm, FaultyTierStore cold) {
    var directory = warm.directory().orElseThrow();
    List<String> keys = new ArrayList<>();
    for (int k = 0; k < KEYS; k++) {
      keys.add("k" + k);
    }
    Map<String, Location> locations = directory.peekLocations(keys);
    for (String key : keys) {
      Location at = locations.get(key);
      StoredMemory inHot = hot.peek(key);
      StoredMemory inCold = cold.peek(key);
      if (inHot != null) {
        assertThat(at)
            .as(where + ": WARM holds " + key + " that HOT holds")
            .isInstanceOf(Location.Held.class);
        assertThat(inHot.version()).as(where + ": HOT's version of " + key).isEqualTo(at.version());
      }
      if (at instanceof Location.Archived) {
        assertThat(inCold).as(where + ": COLD's copy of archived " + key).isNotNull();
        assertThat(inCold.version())
            .as(where + ": COLD's version of " + key)
            .isEqualTo(at.version());
      } else {
        assertThat(inCold).as(where + ": COLD copy of " + key + " WARM does not point to").isNull();
      }
    }
  }

  /** Checks the start hooks' contract as they come; records violations instead of throwing. */
  static final class ContractObserver implements TierObserver {
    final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final ThreadLocal<Deque<Frame>> frames = ThreadLocal.withInitial(ArrayDeque::new);
    private final List<Long> durations = Collections.synchronizedList(new ArrayList<>());
    int moved;
    int evicted;
    int movedEvents;
    int evictedEvents;

    /** The last completed sweep's HOT to WARM moves, WARM to COLD moves and evictions. */
    int[] lastSweep = new int[3];

    /** An open request, move or sweep on this thread. */
    static final class Frame {
      final String kind;
      final @Nullable Operation op;
      final @Nullable Tier from;
      final @Nullable Tier to;
      final @Nullable MoveReason reason;
      boolean failed;
      boolean stored;
      int completed;
      final int[] sweepCounts = new int[3];

      Frame(
          String kind,
          @Nullable Operation op,
          @Nullable Tier from,
          @Nullable Tier to,
          @Nullable MoveReason reason) {
        this.kind = kind;
        this.op = op;
        this.from = from;
        this.to = to;
        this.reason = reason;
      }

      @Override
      public String toString() {
        return kind
            + (op != null ? " " + op : "")
            + (from != null ? " " + from + "->" + to + " " + reason : "");
      }
    }

    @Override
    public boolean wantsStarts() {
      return true;
    }

    @Override
    public boolean wantsEvents() {
      return true;
    }

    private Deque<Frame> stack() {
      return frames.get();
    }

    private void violation(String what) {
      violations.add(what + " (open: " + stack() + ")");
    }

    void assertIdle(String where) {
      assertThat(stack()).as(where + ": starts left open").isEmpty();
    }

    void assertDurationsWithin(String where, long elapsedNanos) {
      synchronized (durations) {
        for (long d : durations) {
          assertThat(d).as(where + ": a reported duration (ns)").isBetween(0L, elapsedNanos);
        }
      }
    }

    @Override
    public void requestStarted(Operation operation, @Nullable String key) {
      if ((operation == Operation.SEARCH) != (key == null)) {
        violation("requestStarted " + operation + " with key " + key);
      }
      stack().push(new Frame("request", operation, null, null, null));
    }

    @Override
    public void requestFailed(Operation operation, Throwable error) {
      Frame top = stack().peek();
      if (top == null || top.op != operation || top.failed) {
        violation("requestFailed " + operation);
      } else {
        top.failed = true;
      }
    }

    @Override
    public void putStored(boolean created) {
      Frame top = stack().peek();
      if (top == null || top.op != Operation.PUT || top.stored || top.failed) {
        violation("putStored");
      } else {
        top.stored = true;
      }
    }

    @Override
    public void searchCompleted(int hits, double topSimilarity) {
      Frame top = stack().peek();
      if (top == null || top.op != Operation.SEARCH) {
        violation("searchCompleted");
      }
      if (hits < 0 || (hits == 0) != Double.isNaN(topSimilarity)) {
        violation("searchCompleted " + hits + " " + topSimilarity);
      }
    }

    @Override
    public void requestCompleted(
        Operation operation, @Nullable Tier tier, RequestResult result, long durationNanos) {
      durations.add(durationNanos);
      Frame top = stack().poll();
      if (top == null || !"request".equals(top.kind) || top.op != operation) {
        violation("requestCompleted " + operation + " closes " + top);
        return;
      }
      if (top.failed != (result == RequestResult.ERROR)) {
        violation("requestCompleted " + operation + " " + result + " after failed=" + top.failed);
      }
      if (operation == Operation.PUT && result != RequestResult.ERROR && !top.stored) {
        violation("put completed without putStored");
      }
    }

    @Override
    public void movementStarted(Tier from, Tier to, MoveReason reason, @Nullable String key) {
      Frame top = stack().peek();
      if (top != null && !"sweep".equals(top.kind)) {
        violation("movementStarted " + from + "->" + to + " inside " + top);
      }
      if ((to == Tier.COLD) != (key == null)) {
        violation("movementStarted " + from + "->" + to + " with key " + key);
      }
      stack().push(new Frame("move", null, from, to, reason));
    }

    @Override
    public void movementCompleted(Tier from, Tier to, MoveReason reason, long durationNanos) {
      durations.add(durationNanos);
      Frame top = stack().peek();
      if (top == null || top.from != from || top.to != to || top.reason != reason) {
        violation("movementCompleted " + from + "->" + to + " " + reason);
      } else {
        top.completed++;
      }
      moved++;
      Frame sweep = sweepFrame();
      if (sweep != null && from == Tier.HOT && to == Tier.WARM) {
        sweep.sweepCounts[0]++;
      } else if (sweep != null && to == Tier.COLD) {
        sweep.sweepCounts[1]++;
      }
    }

    @Override
    public void movementEnded(
        Tier from, Tier to, MoveReason reason, int count, @Nullable Throwable error) {
      Frame top = stack().poll();
      if (top == null || top.from != from || top.to != to || top.reason != reason) {
        violation("movementEnded " + from + "->" + to + " " + reason + " closes " + top);
        return;
      }
      if (count != top.completed) {
        violation(
            "movementEnded "
                + from
                + "->"
                + to
                + " moved="
                + count
                + " after "
                + top.completed
                + " completions");
      }
      if (error != null && !isInjected(error)) {
        violation("movementEnded with a non-injected error " + error);
      }
    }

    private @Nullable Frame sweepFrame() {
      Frame bottom = stack().peekLast();
      return bottom != null && "sweep".equals(bottom.kind) ? bottom : null;
    }

    @Override
    public void evicted(Tier tier, MoveReason reason) {
      evicted++;
      Frame sweep = sweepFrame();
      if (sweep != null) {
        sweep.sweepCounts[2]++;
      }
    }

    @Override
    public void sweepStarted() {
      if (!stack().isEmpty()) {
        violation("sweepStarted inside " + stack().peek());
      }
      stack().push(new Frame("sweep", null, null, null, null));
    }

    @Override
    public void sweepCompleted(boolean success, long durationNanos) {
      durations.add(durationNanos);
      Frame top = stack().poll();
      if (top == null || !"sweep".equals(top.kind)) {
        violation("sweepCompleted closes " + top);
      } else {
        lastSweep = top.sweepCounts.clone();
      }
    }

    @Override
    public void onEvent(TierEvent event) {
      if (event instanceof TierEvent.Moved m) {
        movedEvents++;
        durations.add(m.took().toNanos());
        if (m.from() == m.to()) {
          violation("moved within one tier: " + m);
        }
      } else if (event instanceof TierEvent.Evicted) {
        evictedEvents++;
      } else if (event instanceof TierEvent.Put p) {
        durations.add(p.took().toNanos());
      } else if (event instanceof TierEvent.SweepCompleted s) {
        durations.add(s.took().toNanos());
      }
    }
  }
}
