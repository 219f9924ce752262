package io.tieredmemory.examples.simulator;

import io.tieredmemory.core.TieredMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * A simulated AI agent that keeps its long-term memory in a {@link TieredMemory}.
 *
 * <p>It starts with {@value #STARTING_MEMORIES} memories from "earlier sessions". Then, on each
 * tick ({@value #TICKS_PER_SECOND} per second), it writes one memory (a new observation, fact or
 * conversation summary, or a rewrite of an existing one), reads {@value #READS_PER_TICK} memories
 * with Zipf-like popularity (a few are read all the time and stay hot; most are rarely read, go
 * idle and end up archived), sometimes recalls a memory written long ago (likely archived by then,
 * so the read rehydrates it), sometimes asks for a memory it never stored, rarely forgets one, and
 * runs one similarity search per second.
 *
 * <p>Every choice comes from one seeded {@link Random} and depends only on the tick number, so a
 * seed always yields the same sequence of requests; how the store moves memories in response also
 * depends on real time (its policy and sweeps read the system clock).
 *
 * <p>Not thread-safe: one thread runs the ticks. The counters may be read from any thread.
 */
final class AgentWorkload {
  /** Memories written before the first tick. */
  static final int STARTING_MEMORIES = 200;

  /** Ticks per second of real time. */
  static final int TICKS_PER_SECOND = 20;

  private static final int READS_PER_TICK = 3;
  private static final double UPDATE_SHARE = 0.2;
  private static final double RECALL_CHANCE = 0.1; // about 2 recalls a second
  private static final double UNKNOWN_KEY_CHANCE = 0.03; // about one miss every 2 seconds
  private static final double FORGET_CHANCE = 0.02; // about one delete every 2.5 seconds
  private static final long RECALL_AGE_TICKS = 5L * TICKS_PER_SECOND; // older than archive idle
  private static final int MAX_KEYS = 5_000; // beyond this, every write rewrites a known key

  private static final String[] PREFERENCES = {
    "dark mode", "concise answers", "answers in French", "metric units", "morning meetings",
    "email over chat", "Python examples", "bullet points", "light mode", "long explanations"
  };
  private static final String[] FACTS = {
    "the staging cluster runs in eu-west-%d",
    "the deploy window is Tuesday %d:00 UTC",
    "invoice %d was paid late",
    "the on-call rotation changes every %d days",
    "project %d is owned by the platform team",
    "the API rate limit is %d requests per minute"
  };
  private static final String[] TOPICS = {
    "billing",
    "a failed deploy",
    "a password reset",
    "the Q3 roadmap",
    "database migrations",
    "travel expenses",
    "a flaky test"
  };
  private static final String[] OUTCOMES = {
    "opened a ticket",
    "shared the runbook",
    "scheduled a follow-up",
    "escalated to a human",
    "suggested a workaround"
  };
  private static final String[] QUERIES = {
    "which theme does the user prefer",
    "when is the deploy window",
    "what did the user ask about billing",
    "who owns the project",
    "what is the API rate limit",
    "which language does the user want answers in"
  };

  /** A memory the agent knows it wrote; the list of them is in writing order. */
  private record Known(String key, Kind kind, long writtenAtTick) {}

  private enum Kind {
    OBSERVATION("obs"),
    FACT("fact"),
    SUMMARY("summary");

    final String prefix;

    Kind(String prefix) {
      this.prefix = prefix;
    }
  }

  private final TieredMemory store;
  private final Random random;
  // Writing order doubles as popularity rank: early memories (user preferences, core facts) are
  // the ones an agent keeps coming back to.
  private final List<Known> known = new ArrayList<>();
  private final int[] nextId = new int[Kind.values().length];
  private final LongAdder writes = new LongAdder();
  private final LongAdder updates = new LongAdder();
  private final LongAdder reads = new LongAdder();
  private final LongAdder recalls = new LongAdder();
  private final LongAdder searches = new LongAdder();
  private final LongAdder deletes = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final AtomicReference<String> lastError = new AtomicReference<>();

  AgentWorkload(TieredMemory store, long seed) {
    this.store = store;
    this.random = new Random(seed);
  }

  /** Writes the memories the agent starts with. */
  void start() {
    for (int i = 0; i < STARTING_MEMORIES; i++) {
      writeNew(0);
    }
  }

  /** Runs one tick of work. */
  void tick(long tick) {
    if (known.size() < MAX_KEYS && (known.isEmpty() || random.nextDouble() >= UPDATE_SHARE)) {
      writeNew(tick);
    } else {
      // Uniform, so mostly rarely-read memories: rewriting an archived one leaves a stale
      // copy in COLD, which the next sweep evicts.
      Known k = known.get(random.nextInt(known.size()));
      put(k.key(), k.kind(), true);
    }
    for (int i = 0; i < READS_PER_TICK; i++) {
      read(known.get(popularIndex()).key());
    }
    if (random.nextDouble() < RECALL_CHANCE) {
      recall(tick);
    }
    if (random.nextDouble() < UNKNOWN_KEY_CHANCE) {
      read("mem:obs:unknown-" + random.nextInt(1000));
    }
    if (random.nextDouble() < FORGET_CHANCE) {
      forget();
    }
    if (tick % TICKS_PER_SECOND == TICKS_PER_SECOND / 2) {
      search();
    }
  }

  /** What the agent did so far. */
  SimulationTotals.AgentCounts counts() {
    return new SimulationTotals.AgentCounts(
        writes.sum(), updates.sum(), reads.sum(), recalls.sum(), searches.sum(), deletes.sum());
  }

  /** Store calls that threw. */
  long errors() {
    return errors.sum();
  }

  /** The latest store call that threw, if any. */
  Optional<String> lastError() {
    return Optional.ofNullable(lastError.get());
  }

  private void writeNew(long tick) {
    double r = random.nextDouble();
    Kind kind = r < 0.5 ? Kind.OBSERVATION : r < 0.8 ? Kind.FACT : Kind.SUMMARY;
    String key = "mem:" + kind.prefix + ":" + nextId[kind.ordinal()]++;
    known.add(new Known(key, kind, tick));
    put(key, kind, false);
  }

  private void put(String key, Kind kind, boolean update) {
    String content = content(kind);
    Map<String, String> metadata =
        Map.of("kind", kind.name().toLowerCase(java.util.Locale.ROOT), "source", source());
    if (call("put " + key, () -> store.put(key, content, metadata))) {
      writes.increment();
      if (update) {
        updates.increment();
      }
    }
  }

  private void read(String key) {
    if (call("get " + key, () -> store.get(key))) {
      reads.increment();
    }
  }

  /** Reads a memory written more than 5 seconds ago, picked uniformly among those. */
  private void recall(long tick) {
    int old = countWrittenBefore(tick - RECALL_AGE_TICKS);
    if (old > 0) {
      recalls.increment();
      read(known.get(random.nextInt(old)).key());
    }
  }

  /** Deletes one of the less popular half of the memories. */
  private void forget() {
    int n = known.size();
    if (n < 2) {
      return;
    }
    Known k = known.remove(n / 2 + random.nextInt(n - n / 2));
    if (call("delete " + k.key(), () -> store.delete(k.key()))) {
      deletes.increment();
    }
  }

  private void search() {
    String query = QUERIES[(int) (searches.sum() % QUERIES.length)];
    if (call("search '" + query + "'", () -> store.search(query, 3))) {
      searches.increment();
    }
  }

  /**
   * A Zipf-like rank with exponent 1: P(rank r) is proportional to about 1/(r+1), drawn in constant
   * time as a log-uniform number, so the many-thousand-key case costs no more than the first.
   */
  private int popularIndex() {
    int n = known.size();
    int rank = (int) Math.floor(Math.exp(random.nextDouble() * Math.log(n + 1.0))) - 1;
    return Math.min(Math.max(rank, 0), n - 1);
  }

  /** How many known memories were written before {@code tick}; the list is in writing order. */
  private int countWrittenBefore(long tick) {
    int lo = 0;
    int hi = known.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (known.get(mid).writtenAtTick() < tick) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private String content(Kind kind) {
    return switch (kind) {
      case OBSERVATION ->
          "user " + random.nextInt(50) + " prefers " + PREFERENCES[random.nextInt(10)];
      case FACT -> String.format(FACTS[random.nextInt(FACTS.length)], 1 + random.nextInt(20));
      case SUMMARY ->
          "conversation "
              + random.nextInt(10_000)
              + ": user "
              + random.nextInt(50)
              + " asked about "
              + TOPICS[random.nextInt(TOPICS.length)]
              + "; the agent "
              + OUTCOMES[random.nextInt(OUTCOMES.length)];
    };
  }

  private String source() {
    return random.nextInt(4) == 0 ? "tool" : "chat";
  }

  /** Runs one store call; a failure is counted and remembered, and the agent carries on. */
  private boolean call(String what, Runnable body) {
    try {
      body.run();
      return true;
    } catch (RuntimeException e) {
      errors.increment();
      lastError.set(what + " threw " + e);
      return false;
    }
  }
}
