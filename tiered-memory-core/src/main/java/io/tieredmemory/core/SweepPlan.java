package io.tieredmemory.core;

import io.tieredmemory.core.policy.MoveReason;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the next sweep would do now, and why, computed by {@link TieredMemory#plan(int)} without
 * moving or writing anything.
 *
 * <p>The plan is exactly what a {@link TieredMemory#sweep()} run at the same instant does when
 * nothing else happens in between: the sweep computes its moves with the same code, then makes them
 * under the keys' locks. Every kind of move is bounded per sweep by the policy's {@code
 * maxMovesPerSweep}, so counting every move of the next sweep is bounded too: {@link #totals()}
 * counts all of them, {@link #moves()} lists the first {@link #limit()}.
 *
 * @param computedAt the store clock's instant the plan was computed at
 * @param limit how many moves {@link #moves()} may list
 * @param moves the first {@code limit} moves, in the order the sweep makes them: idle demotions,
 *     over-capacity demotions (least recently read first), then archives
 * @param totals every move of the next sweep counted by reason ({@link MoveReason#HOT_IDLE}, {@link
 *     MoveReason#HOT_CAPACITY}, {@link MoveReason#WARM_IDLE}), plus {@link MoveReason#STALE_COPY}:
 *     HOT copies the sweep removes rather than moves (noted as possibly stale, or of a memory WARM
 *     no longer holds); a reason with nothing to do is absent
 * @param keptInHot idle WARM memories the sweep considers for archiving but keeps, because HOT
 *     holds them (WARM then learns their HOT access)
 * @param coldCopiesToReconcile COLD copies WARM's journal notes as no longer pointed to, that the
 *     sweep checks and removes when COLD still holds them
 * @param budgetReached the reasons whose moves use the whole {@code maxMovesPerSweep}: more
 *     candidates may wait for later sweeps
 * @param skippedSteps steps the sweep would skip (backing off after a failure) or that failed while
 *     planned, by name (e.g. {@code "archive idle"}); their moves are not in the plan
 * @param complete whether the totals count everything the next sweep would do: false if a step was
 *     skipped or failed, or if more stale-copy notes exist than a plan reads (a tier's flush that
 *     failed is listed in {@code skippedSteps} but leaves the plan complete: its statistics are
 *     only less fresh)
 */
public record SweepPlan(
    Instant computedAt,
    int limit,
    List<PlannedMove> moves,
    Map<MoveReason, Integer> totals,
    int keptInHot,
    int coldCopiesToReconcile,
    Set<MoveReason> budgetReached,
    List<String> skippedSteps,
    boolean complete) {

  /** Copies the collections into unmodifiable ones; totals in reason order. */
  public SweepPlan {
    Objects.requireNonNull(computedAt, "computedAt");
    moves = List.copyOf(moves);
    EnumMap<MoveReason, Integer> t = new EnumMap<>(MoveReason.class);
    t.putAll(totals);
    totals = Collections.unmodifiableMap(t);
    EnumSet<MoveReason> b = EnumSet.noneOf(MoveReason.class);
    b.addAll(budgetReached);
    budgetReached = Collections.unmodifiableSet(b);
    skippedSteps = List.copyOf(skippedSteps);
  }

  /** The moves of the next sweep (demotions and archives), listed or not. */
  public int totalMoves() {
    int n = 0;
    for (Map.Entry<MoveReason, Integer> e : totals.entrySet()) {
      if (e.getKey() != MoveReason.STALE_COPY) {
        n += e.getValue();
      }
    }
    return n;
  }

  /** Whether {@link #moves()} lists fewer moves than the sweep would make (cut at the limit). */
  public boolean truncated() {
    return moves.size() < totalMoves();
  }

  /** How many moves of {@code reason} the next sweep would make (0 if none). */
  public int total(MoveReason reason) {
    return totals.getOrDefault(Objects.requireNonNull(reason, "reason"), 0);
  }
}
