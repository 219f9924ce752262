package io.tieredmemory.examples.simulator;

import io.tieredmemory.core.StoreStats;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.embeddings.MiniLmEmbedder;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * An {@link AgentWorkload} running against an embedded {@link TieredMemory} (in-process tiers, no
 * servers) whose policy is tuned so that every kind of movement happens within seconds instead of
 * the production defaults' minutes and days.
 *
 * <pre>{@code
 * try (Simulation sim = new Simulation(42)) {
 *   SimulationTotals totals = sim.run(Optional.of(Duration.ofSeconds(10)), t -> {}, t -> false);
 *   System.out.println(totals.movements());
 * }
 * }</pre>
 *
 * <p>{@link #run} runs in the caller's thread; {@link #requestStop()}, {@link #awaitStopped} and
 * {@link #totals()} may be called from any other (a shutdown hook, say).
 */
public final class Simulation implements AutoCloseable {
  /** How often the store sweeps in the background: often enough that moves follow idleness. */
  public static final Duration SWEEP_INTERVAL = Duration.ofMillis(500);

  private static final long TICK_NANOS =
      TimeUnit.SECONDS.toNanos(1) / AgentWorkload.TICKS_PER_SECOND;

  private final TieredMemory store;
  private final StoreTally tally = new StoreTally();
  private final AgentWorkload agent;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean stopRequested;
  private volatile long startNanos;
  private volatile boolean started;
  private volatile SimulationTotals.TierCounts lastTiers = new SimulationTotals.TierCounts(0, 0, 0);

  /** Builds the store and the agent; {@code seed} fixes the agent's choices. */
  public Simulation(long seed) {
    // Observer discovery stays on (the default): metrics modules found on the classpath attach
    // themselves next to the tally, with no change here.
    this.store =
        TieredMemory.builder("agent-simulator")
            .policy(demoPolicy())
            .sweepEvery(SWEEP_INTERVAL)
            .embedder(MiniLmEmbedder.shared()) // its questions paraphrase what it learned
            .observer(tally)
            .build();
    this.agent = new AgentWorkload(store, seed);
  }

  /**
   * The demo's policy: promote after 2 reads within 5s, demote after 2s idle in HOT or above 50
   * memories there, archive after 4s idle in WARM, rehydrate archived memories on read.
   */
  public static TieringPolicy demoPolicy() {
    return TieringPolicy.custom()
        .promoteAfter(2, Duration.ofSeconds(5))
        .demoteWhenIdle(Duration.ofSeconds(2))
        .hotCapacity(50)
        .archiveWhenIdle(Duration.ofSeconds(4))
        .rehydrate(true, false)
        .build();
  }

  /** The store the agent uses. */
  public TieredMemory store() {
    return store;
  }

  /**
   * Runs the agent in the calling thread until {@code limit} has passed (forever if empty), {@link
   * #requestStop()} is called, the thread is interrupted, or {@code goal} holds. Call once.
   *
   * @param limit how long to run, in real time
   * @param everySecond receives the totals once a second
   * @param goal checked once a second; the run ends when it holds
   * @return the totals at the end
   */
  public SimulationTotals run(
      Optional<Duration> limit,
      Consumer<SimulationTotals> everySecond,
      Predicate<SimulationTotals> goal) {
    long limitNanos = limit.map(Duration::toNanos).orElse(Long.MAX_VALUE);
    startNanos = System.nanoTime();
    started = true;
    try {
      agent.start();
      for (long tick = 0; !stopRequested; ) {
        if (System.nanoTime() - startNanos >= limitNanos) {
          break;
        }
        agent.tick(tick);
        tick++;
        if (tick % AgentWorkload.TICKS_PER_SECOND == 0) {
          SimulationTotals totals = totals();
          everySecond.accept(totals);
          if (goal.test(totals)) {
            break;
          }
        }
        // Ticks keep to a fixed schedule; after a slow tick the next ones run back to back.
        long wait = startNanos + tick * TICK_NANOS - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      stopped.countDown();
    }
    return totals();
  }

  /** Asks a running {@link #run} to end after its current tick. */
  public void requestStop() {
    stopRequested = true;
  }

  /** Waits up to {@code timeout} for {@link #run} to end; returns whether it did. */
  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** A snapshot of everything counted so far; tier sizes are the last known once closed. */
  public SimulationTotals totals() {
    Duration elapsed = started ? Duration.ofNanos(System.nanoTime() - startNanos) : Duration.ZERO;
    refreshTierCounts();
    Optional<String> lastError = agent.lastError().or(tally::lastError);
    return new SimulationTotals(
        elapsed,
        lastTiers,
        tally.movements(),
        tally.hits(),
        agent.counts(),
        agent.errors() + tally.errors(),
        tally.lastMovement(),
        lastError);
  }

  /**
   * Stops the store's background sweeps and closes it. Idempotent. {@link #totals()} still works
   * afterwards, with the tier sizes seen just before closing.
   */
  @Override
  public void close() {
    refreshTierCounts();
    store.close();
  }

  private void refreshTierCounts() {
    try {
      StoreStats stats = store.stats();
      lastTiers =
          new SimulationTotals.TierCounts(
              stats.tier(Tier.HOT).items(),
              stats.tier(Tier.WARM).items(),
              stats.tier(Tier.COLD).items());
    } catch (IllegalStateException closed) {
      // Already closed: keep the sizes seen last.
    }
  }
}
