package io.tieredmemory.examples.simulator;

import java.time.Duration;
import java.util.Optional;

/**
 * What a {@link Simulation} has seen so far: an immutable snapshot.
 *
 * @param elapsed real time since the simulation started
 * @param tiers what each tier holds now (HOT is a cache of WARM, so HOT memories count in both)
 * @param movements memories moved between tiers, as reported by the store's events
 * @param hits which tier served each {@code get}, as reported by the store's observer hooks
 * @param agent what the simulated agent asked of the store
 * @param errors calls that threw, backend failures and failed sweep steps; 0 in a healthy run (one
 *     failure may be counted by more than one of these)
 * @param lastMovement the latest movement, rendered for humans, if any happened yet
 * @param lastError the latest error, if any
 */
public record SimulationTotals(
    Duration elapsed,
    TierCounts tiers,
    MovementCounts movements,
    HitCounts hits,
    AgentCounts agent,
    long errors,
    Optional<String> lastMovement,
    Optional<String> lastError) {

  /**
   * Memories held per tier.
   *
   * @param hot memories in HOT
   * @param warm memories in WARM (including those also in HOT)
   * @param cold archived memories
   */
  public record TierCounts(long hot, long warm, long cold) {}

  /**
   * Movements per kind.
   *
   * @param promoted WARM to HOT
   * @param demoted HOT to WARM
   * @param archived WARM to COLD
   * @param rehydrated COLD to WARM
   * @param evicted stale copies dropped (left behind when an archived memory is rewritten)
   * @param sweeps sweeps completed
   */
  public record MovementCounts(
      long promoted, long demoted, long archived, long rehydrated, long evicted, long sweeps) {

    /** Whether promotions, demotions, archives and rehydrations all happened at least once. */
    public boolean everyKindSeen() {
      return promoted > 0 && demoted > 0 && archived > 0 && rehydrated > 0;
    }
  }

  /**
   * Outcomes of {@code get} calls.
   *
   * @param hot served from HOT
   * @param warm served from WARM
   * @param cold served from COLD (the read rehydrates the memory)
   * @param misses found in no tier
   */
  public record HitCounts(long hot, long warm, long cold, long misses) {}

  /**
   * What the agent did.
   *
   * @param writes puts (new memories and updates)
   * @param updates puts that rewrote an existing key
   * @param reads gets, recalls included
   * @param recalls gets of memories written long ago, likely archived by now
   * @param searches similarity searches
   * @param deletes memories the agent forgot on purpose
   */
  public record AgentCounts(
      long writes, long updates, long reads, long recalls, long searches, long deletes) {}
}
