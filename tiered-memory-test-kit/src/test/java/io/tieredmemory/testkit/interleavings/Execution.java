package io.tieredmemory.testkit.interleavings;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.MemoryWrite;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.SearchHit;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.KeyCoordinator;
import io.tieredmemory.core.spi.Location;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.testkit.ManualClock;
import io.tieredmemory.testkit.RecordingObserver;
import io.tieredmemory.testkit.history.History;
import io.tieredmemory.testkit.history.HistoryRecorder;
import io.tieredmemory.testkit.history.OpKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One seeded execution: worker threads put, get, getAll, delete and search a few keys through one
 * or two store instances over the same tiers while each instance sweeps, with faults injected at
 * tier calls, all scheduled one step at a time by a {@link Scheduler}. Records the history of every
 * operation for the linearizability checker, then (without faults) sweeps until settled, reads
 * every key from every instance, and checks what the tiers hold.
 */
final class Execution {

  /** What one execution is made of. */
  record Config(
      int instances,
      boolean sharedCoordinator,
      int workers,
      int keys,
      int operations,
      double failBefore,
      double failAfter,
      int maxClockStepMicros,
      boolean backgroundMoves) {

    /** The configuration a seed picks: one or two instances, faults or not, 3-5 keys. */
    static Config forSeed(long seed, int operations) {
      Random r = new Random(seed ^ 0x5DEECE66DL);
      int instances = r.nextInt(3) == 0 ? 1 : 2;
      boolean faults = r.nextInt(4) != 0;
      return new Config(
          instances,
          instances == 2,
          instances * 2,
          3 + r.nextInt(3),
          operations,
          faults ? 0.02 + r.nextDouble() * 0.06 : 0,
          faults ? 0.02 + r.nextDouble() * 0.06 : 0,
          1 + r.nextInt(4_000),
          r.nextBoolean()); // drawn last: the other fields of a seed stay as they were
    }
  }

  /** What came out; {@code recorded} counts the stores' observer calls (moves, evictions...). */
  record Outcome(
      Config config,
      History history,
      List<String> invariantViolations,
      long steps,
      int failures,
      RecordingObserver recorded) {}

  /** Moves fast: every rule fires within a few milliseconds of the store's clock. */
  static TieringPolicy policy(Random r) {
    return TieringPolicy.custom()
        .promoteAfter(1 + r.nextInt(2), Duration.ofSeconds(10))
        .demoteWhenIdle(Duration.ofMillis(2 + r.nextInt(5)))
        .hotCapacity(1 + r.nextInt(2))
        .archiveWhenIdle(Duration.ofMillis(8 + r.nextInt(10)))
        .rehydrate(true, r.nextBoolean())
        .sweepBatchSize(1 + r.nextInt(3))
        .build();
  }

  private Execution() {}

  static Outcome run(long seed, Config config) throws Throwable {
    ManualClock clock = new ManualClock();
    Scheduler scheduler =
        new Scheduler(
            seed,
            micros -> clock.advance(Duration.ofNanos(micros * 1000)),
            config.maxClockStepMicros());
    Random setup = new Random(seed);
    TieringPolicy policy = policy(setup);
    TierStore hot = InProcessTiers.hot();
    TierStore warm = InProcessTiers.warm(Embedder.hashing());
    TierStore cold = InProcessTiers.cold(Embedder.hashing());
    KeyCoordinator shared = new ScheduledCoordinator(scheduler, config.sharedCoordinator());
    List<TieredMemory> stores = new ArrayList<>();
    RecordingObserver recorded = new RecordingObserver();
    List<Queue<Runnable>> readMoves = new ArrayList<>();
    for (int i = 0; i < config.instances(); i++) {
      Queue<Runnable> moves = new ConcurrentLinkedQueue<>();
      readMoves.add(moves);
      TieredMemory.Builder builder = TieredMemory.builder("i" + i);
      if (config.backgroundMoves()) {
        // The moves reads cause wait here, made by a worker of their own ("mover@i"), so the
        // scheduler interleaves them with everything else, as the store's own threads would be.
        builder.readMoves(moves::add);
      } else {
        builder.readMoves(ReadMoves.CALLER);
      }
      stores.add(
          builder
              .hot(wrap(scheduler, "hot@i" + i, hot, config))
              .warm(wrap(scheduler, "warm@i" + i, warm, config))
              .cold(wrap(scheduler, "cold@i" + i, cold, config))
              .coordinator(
                  i == 0 || config.sharedCoordinator()
                      ? shared
                      : new ScheduledCoordinator(scheduler, false))
              .clock(clock)
              .policy(policy)
              .disableScheduledSweeps()
              .discoverObservers(false)
              .observer(recorded)
              .build());
    }
    HistoryRecorder recorder = HistoryRecorder.inMemory();
    List<String> keys = new ArrayList<>();
    for (int k = 0; k < config.keys(); k++) {
      keys.add("key-" + k);
    }
    int[] remaining = {config.operations()};
    int[] failures = {0};
    List<String> torn = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int w = 0; w < config.workers(); w++) {
      TieredMemory store = stores.get(w % stores.size());
      String process = "w" + w + "@i" + (w % stores.size());
      int[] written = {0};
      scheduler.worker(
          process,
          () -> {
            while (remaining[0] > 0) {
              remaining[0]--;
              if (!operate(scheduler, recorder, store, process, keys, written, torn)) {
                failures[0]++;
              }
            }
          });
    }
    for (int i = 0; i < stores.size(); i++) {
      TieredMemory store = stores.get(i);
      scheduler.worker(
          "sweeper@i" + i,
          () -> {
            while (remaining[0] > 0) {
              scheduler.pause(); // a sweep whose steps all back off calls no tier
              store.sweep();
            }
          });
    }
    if (config.backgroundMoves()) {
      for (int i = 0; i < stores.size(); i++) {
        Queue<Runnable> moves = readMoves.get(i);
        scheduler.worker(
            "mover@i" + i,
            () -> {
              while (remaining[0] > 0) {
                scheduler.pause();
                Runnable move = moves.poll();
                if (move != null) {
                  move.run();
                }
              }
            });
      }
    }
    scheduler.run();

    // Settle without faults, then read everything back: a lost write or a resurrected delete shows
    // in the history as a final read that no linearization explains.
    for (int round = 0; round < 3; round++) {
      for (Queue<Runnable> moves : readMoves) {
        for (Runnable move = moves.poll(); move != null; move = moves.poll()) {
          move.run(); // moves still waiting when the workers stopped
        }
      }
      clock.advance(Duration.ofMinutes(10)); // past every sweep back-off
      for (TieredMemory store : stores) {
        store.sweep();
      }
    }
    for (TieredMemory store : stores) {
      for (String key : keys) {
        HistoryRecorder.Invocation call =
            recorder.invoke("final@" + store.name(), key, OpKind.GET, null);
        Optional<Memory> got = store.get(key);
        got.ifPresent(m -> check(m, "final read", torn));
        call.ok(got.map(Memory::content));
      }
    }
    List<String> invariants = new ArrayList<>(torn);
    invariants.addAll(settledInvariants(stores.get(0), hot, warm, cold, keys));
    for (TieredMemory store : stores) {
      store.close();
    }
    return new Outcome(
        config, recorder.history(), invariants, scheduler.steps(), failures[0], recorded);
  }

  private static TierStore wrap(Scheduler s, String name, TierStore tier, Config c) {
    return ScheduledTier.wrap(s, name, tier, c.failBefore(), c.failAfter());
  }

  /** One operation, recorded; returns false if the store threw. */
  private static boolean operate(
      Scheduler scheduler,
      HistoryRecorder recorder,
      TieredMemory store,
      String process,
      List<String> keys,
      int[] written,
      List<String> torn) {
    Random r = scheduler.random();
    int roll = r.nextInt(100);
    String key = keys.get(r.nextInt(keys.size()));
    if (roll < 35) {
      boolean own = r.nextBoolean();
      String value = process + "-" + (++written[0]) + " about " + key + (own ? OWN : "");
      HistoryRecorder.Invocation call = recorder.invoke(process, key, OpKind.PUT, value);
      scheduler.pause();
      try {
        store.put(
            own
                ? MemoryWrite.of(key, value).withEmbedding(embeddingOf(value))
                : MemoryWrite.of(key, value));
      } catch (RuntimeException e) {
        scheduler.pause();
        call.failed(e);
        return false;
      }
      scheduler.pause();
      call.ok();
      return true;
    }
    if (roll < 65) {
      HistoryRecorder.Invocation call = recorder.invoke(process, key, OpKind.GET, null);
      scheduler.pause();
      Optional<Memory> got;
      try {
        got = store.get(key);
      } catch (RuntimeException e) {
        scheduler.pause();
        call.failed(e);
        return false;
      }
      scheduler.pause();
      got.ifPresent(m -> check(m, "get", torn));
      call.ok(got.map(Memory::content));
      return true;
    }
    if (roll < 75) {
      HistoryRecorder.Invocation call = recorder.invoke(process, key, OpKind.DELETE, null);
      scheduler.pause();
      boolean existed;
      try {
        existed = store.delete(key);
      } catch (RuntimeException e) {
        scheduler.pause();
        call.failed(e);
        return false;
      }
      scheduler.pause();
      call.ok(existed);
      return true;
    }
    if (roll < 88) {
      List<String> some = new ArrayList<>();
      for (String k : keys) {
        if (r.nextBoolean()) {
          some.add(k);
        }
      }
      if (some.isEmpty()) {
        some.add(key);
      }
      Map<String, HistoryRecorder.Invocation> calls = new LinkedHashMap<>();
      for (String k : some) {
        calls.put(k, recorder.invoke(process, k, OpKind.GET, null));
      }
      scheduler.pause();
      Map<String, Memory> got;
      try {
        got = store.getAll(some);
      } catch (RuntimeException e) {
        scheduler.pause();
        calls.values().forEach(c -> c.failed(e));
        return false;
      }
      scheduler.pause();
      got.values().forEach(m -> check(m, "getAll", torn));
      calls.forEach((k, c) -> c.ok(Optional.ofNullable(got.get(k)).map(Memory::content)));
      return true;
    }
    HistoryRecorder.SearchInvocation call = recorder.invokeSearch(process, key);
    scheduler.pause();
    List<SearchHit> hits;
    try {
      hits = store.search("about " + key, 10);
    } catch (RuntimeException e) {
      scheduler.pause();
      call.failed(e);
      return false;
    }
    scheduler.pause();
    Map<String, String> found = new HashMap<>();
    for (SearchHit h : hits) {
      check(h.memory(), "search", torn);
      found.put(h.memory().key(), h.memory().content());
    }
    call.ok(found);
    return true;
  }

  /** Content of a write that carried its own embedding ends so. */
  private static final String OWN = " +embedding";

  private static final Embedder WRITER = Embedder.hashing(256);

  /** The embedding a writer gives {@code content}: a function of it, so a read can check it. */
  static float[] embeddingOf(String content) {
    return WRITER.embed("writer's " + content);
  }

  /**
   * A memory carries the embedding its version was written with, and only then: an embedding lost
   * by a move, or one of another version, is a torn memory.
   */
  private static void check(Memory m, String where, List<String> torn) {
    boolean own = m.content().endsWith(OWN);
    if (own != m.hasEmbedding()) {
      torn.add(
          m.key()
              + ": "
              + where
              + " returned '"
              + m.content()
              + "' "
              + (own ? "without" : "with")
              + " an embedding");
    } else if (own && !java.util.Arrays.equals(m.embedding(), embeddingOf(m.content()))) {
      torn.add(m.key() + ": " + where + " returned '" + m.content() + "' with another's embedding");
    }
  }

  /**
   * After settling sweeps with no fault: HOT holds no copy or WARM's version, every COLD copy is
   * the one WARM's directory points to, and the journal is empty.
   */
  private static List<String> settledInvariants(
      TieredMemory store, TierStore hot, TierStore warm, TierStore cold, List<String> keys) {
    List<String> problems = new ArrayList<>();
    Map<String, Location> where = warm.directory().orElseThrow().peekLocations(keys);
    for (String key : keys) {
      StoredMemory inHot = hot.peek(key);
      StoredMemory inWarm = warm.peek(key);
      StoredMemory inCold = cold.peek(key);
      Location l = where.get(key);
      for (StoredMemory copy : new StoredMemory[] {inHot, inWarm, inCold}) {
        if (copy != null) {
          check(copy.memory(), "a settled copy", problems);
        }
      }
      if (inHot != null && (inWarm == null || inWarm.version() != inHot.version())) {
        problems.add(key + ": HOT holds v" + inHot.version() + ", WARM " + l);
      }
      if (inCold != null && !new Location.Archived(inCold.version()).equals(l)) {
        problems.add(key + ": COLD holds v" + inCold.version() + ", WARM points to " + l);
      }
      if (l instanceof Location.Archived && inCold == null) {
        problems.add(key + ": WARM points to COLD v" + l.version() + ", COLD holds nothing");
      }
    }
    for (Tier t : Tier.values()) {
      Map<String, Long> notes = warm.journal().orElseThrow().notes(t, 100);
      if (!notes.isEmpty()) {
        problems.add("journal notes for " + t + " left after settling: " + notes);
      }
    }
    if (store.stats().tier(Tier.COLD).items() < 0) {
      problems.add("stats failed");
    }
    return problems;
  }
}
