package io.tieredmemory.core;

import io.tieredmemory.core.policy.Decision;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.StoredMemory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one place a sweep's moves are decided: which HOT memories are demoted (idle, then over
 * capacity, least recently read first), which WARM memories are archived, in which batches, within
 * which budgets, and what each move will find. {@link Sweeper#sweep()} plans with it and then
 * executes the plan under the keys' locks (each move re-checking what it finds, as always); {@link
 * Sweeper#plan} plans with it and stops there. Both start from the same state and call the same
 * code, so a plan is exactly what the next sweep does when nothing else happens in between.
 *
 * <p>Planning writes nothing: what a step would change (HOT copies gone, WARM's last access raised,
 * WARM memories archived) is kept in an {@link Overlay} the later steps read through. Candidates
 * come from the tiers' last-access index, read ahead in growing pages ({@link Cursor}), so the cost
 * follows the number of candidates, not the number of memories held.
 */
final class SweepPlanner {

  /** How the planner reads the tiers: through the handles (a sweep) or quietly (a plan). */
  interface Tiers {
    List<StoredMemory> hotOldest(long beforeMillis, int limit);

    long hotCount();

    Map<String, StoredMemory> hotPeekAll(Collection<String> keys);

    List<StoredMemory> warmOldest(long beforeMillis, int limit);

    Map<String, StoredMemory> warmPeekAll(Collection<String> keys);

    /** WARM's journal notes about copies in {@code about} to remove or check. */
    Map<String, Long> notes(Tier about, int limit);
  }

  /** What one planned step will do to one candidate. */
  enum Outcome {
    /** Moved: demoted to WARM, or archived to COLD. */
    MOVE,
    /** A HOT copy of a memory WARM does not hold: dropped, not moved. */
    DROP,
    /** An archive candidate HOT holds: kept in WARM (WARM learns the HOT access). */
    KEEP
  }

  /** One candidate of a step, with the decision it is moved under and what will happen to it. */
  record Item(StoredMemory candidate, Decision decision, Outcome outcome) {}

  /** One step's batches, in the order the sweep runs them. */
  static final class Step {
    static final Step NONE = new Step(List.of(), false);

    final List<List<Item>> batches;

    /** Whether the step used its whole budget ({@code maxMovesPerSweep}): more may wait. */
    final boolean budgetUsed;

    Step(List<List<Item>> batches, boolean budgetUsed) {
      this.batches = batches;
      this.budgetUsed = budgetUsed;
    }
  }

  /** What the steps planned so far will have changed, as later steps must see it. */
  static final class Overlay {
    /** Keys whose HOT copy will be gone (each was held when planned). */
    final Set<String> hotGone = new HashSet<>();

    /** WARM keys whose last access will have been raised, to the value given. */
    final Map<String, Long> warmTouched = new HashMap<>();

    /** WARM keys that will have been archived. */
    final Set<String> warmGone = new HashSet<>();
  }

  private final TieringPolicy policy;

  SweepPlanner(TieringPolicy policy) {
    this.policy = policy;
  }

  private int batch() {
    return policy.sweepBatchSize();
  }

  /** Demote HOT memories idle for longer than the demotion rule allows, oldest first. */
  Step demoteIdle(Tiers tiers, Overlay overlay, long now) {
    long cutoff = now - policy.demotion().idle().toMillis();
    int budget = policy.maxMovesPerSweep();
    Cursor hot = new Cursor(limit -> tiers.hotOldest(cutoff, limit), overlay.hotGone, Map.of(), 0);
    Set<String> gone = new HashSet<>();
    Map<String, Long> touched = new HashMap<>();
    List<List<Item>> batches = new ArrayList<>();
    while (budget > 0) {
      List<StoredMemory> batch = hot.next(Math.min(batch(), budget));
      if (batch.isEmpty()) {
        break;
      }
      Map<String, StoredMemory> inWarm = tiers.warmPeekAll(keysOf(batch));
      List<Item> items = new ArrayList<>(batch.size());
      int moved = 0;
      for (StoredMemory sm : batch) {
        Decision d = policy.demotion().idleDecision(Duration.ofMillis(now - sm.lastAccessMillis()));
        boolean held = inWarm.containsKey(sm.key()) && !overlay.warmGone.contains(sm.key());
        items.add(new Item(sm, d, held ? Outcome.MOVE : Outcome.DROP));
        if (held) {
          moved++;
          touched.merge(sm.key(), sm.lastAccessMillis(), Math::max);
        }
        gone.add(sm.key());
      }
      batches.add(items);
      budget -= batch.size();
      if (moved == 0) {
        break;
      }
    }
    overlay.hotGone.addAll(gone);
    touched.forEach((k, v) -> overlay.warmTouched.merge(k, v, Math::max));
    return new Step(batches, budget <= 0);
  }

  /** Demote the least recently read HOT memories while HOT holds more than its capacity. */
  Step demoteOverCapacity(Tiers tiers, Overlay overlay) {
    long capacity = policy.demotion().capacity();
    long held = tiers.hotCount() - overlay.hotGone.size();
    long over = held - capacity;
    int budget = policy.maxMovesPerSweep();
    if (over <= 0) {
      return Step.NONE;
    }
    Decision d = policy.demotion().capacityDecision(held);
    Cursor hot =
        new Cursor(
            limit -> tiers.hotOldest(Long.MAX_VALUE, limit),
            overlay.hotGone,
            Map.of(),
            (int) Math.min(over, budget));
    Set<String> gone = new HashSet<>();
    Map<String, Long> touched = new HashMap<>();
    List<List<Item>> batches = new ArrayList<>();
    while (over > 0 && budget > 0) {
      int want = (int) Math.min(Math.min(over, batch()), budget);
      List<StoredMemory> batch = hot.next(want);
      if (batch.isEmpty()) {
        break;
      }
      Map<String, StoredMemory> inWarm = tiers.warmPeekAll(keysOf(batch));
      List<Item> items = new ArrayList<>(batch.size());
      int moved = 0;
      for (StoredMemory sm : batch) {
        boolean inWarmNow = inWarm.containsKey(sm.key()) && !overlay.warmGone.contains(sm.key());
        items.add(new Item(sm, d, inWarmNow ? Outcome.MOVE : Outcome.DROP));
        if (inWarmNow) {
          moved++;
          touched.merge(sm.key(), sm.lastAccessMillis(), Math::max);
        }
        gone.add(sm.key());
      }
      batches.add(items);
      over -= moved;
      budget -= batch.size();
      if (moved == 0) {
        break;
      }
    }
    overlay.hotGone.addAll(gone);
    touched.forEach((k, v) -> overlay.warmTouched.merge(k, v, Math::max));
    return new Step(batches, budget <= 0);
  }

  /** The archive cutoff of a sweep at {@code now}: WARM memories last read before it are idle. */
  long archiveCutoff(long now) {
    return now - policy.archive().idle().toMillis();
  }

  /**
   * Archive WARM memories idle for longer than the archive rule allows, oldest first, a batch at a
   * time; a memory HOT holds stays (WARM learns its HOT access, at least the cutoff).
   */
  Step archiveIdle(Tiers tiers, Overlay overlay, long now) {
    long cutoff = archiveCutoff(now);
    int budget = policy.maxMovesPerSweep();
    Cursor warm =
        new Cursor(
            limit -> tiers.warmOldest(cutoff, limit),
            overlay.warmGone,
            overlay.warmTouched,
            0,
            cutoff);
    Set<String> gone = new HashSet<>();
    Map<String, Long> touched = new HashMap<>();
    List<List<Item>> batches = new ArrayList<>();
    while (budget > 0) {
      List<StoredMemory> batch = warm.next(Math.min(batch(), budget));
      if (batch.isEmpty()) {
        break;
      }
      Map<String, StoredMemory> inHot = tiers.hotPeekAll(keysOf(batch));
      List<Item> items = new ArrayList<>(batch.size());
      for (StoredMemory sm : batch) {
        Decision d = policy.archive().decision(Duration.ofMillis(now - sm.lastAccessMillis()));
        StoredMemory hotCopy = overlay.hotGone.contains(sm.key()) ? null : inHot.get(sm.key());
        if (hotCopy == null) {
          items.add(new Item(sm, d, Outcome.MOVE));
          gone.add(sm.key());
        } else {
          items.add(new Item(sm, d, Outcome.KEEP));
          touched.merge(sm.key(), Math.max(hotCopy.lastAccessMillis(), cutoff), Math::max);
        }
      }
      batches.add(items);
      budget -= batch.size();
      // Every candidate of a batch is archived or kept: progress, so the loop goes on.
    }
    overlay.warmGone.addAll(gone);
    touched.forEach((k, v) -> overlay.warmTouched.merge(k, v, Math::max));
    return new Step(batches, budget <= 0);
  }

  private static List<String> keysOf(List<StoredMemory> memories) {
    List<String> keys = new ArrayList<>(memories.size());
    for (StoredMemory sm : memories) {
      keys.add(sm.key());
    }
    return keys;
  }

  /** A candidate without its content (and embedding): what a plan and a move need of it. */
  private static StoredMemory bare(StoredMemory sm, long lastAccess) {
    Memory m = sm.memory();
    Memory bare = new Memory(m.key(), "", m.metadata(), m.createdAt(), m.updatedAt(), m.version());
    return new StoredMemory(bare, sm.accessCount(), lastAccess);
  }

  /** Fetches candidates for {@link Cursor}: the {@code limit} oldest of a tier's index. */
  interface Fetch {
    List<StoredMemory> oldest(int limit);
  }

  /**
   * The candidates of one step, oldest first, as the tier's index lists them once the overlay is
   * applied: keys planned away are skipped, raised last accesses re-sort (and a key raised to the
   * cutoff or later leaves). Reads ahead in pages that double, each read from the start of the
   * index (planning writes nothing, so nothing leaves the index between pages); a key handed out
   * once is never handed out again.
   */
  private static final class Cursor {
    private final Fetch fetch;
    private final Set<String> skip;
    private final Map<String, Long> raised;
    private final long cutoff;
    private final Set<String> handedOut = new HashSet<>();
    private List<StoredMemory> buffer = List.of();
    private int position;
    private int lastLimit;
    private boolean exhausted;

    Cursor(Fetch fetch, Set<String> skip, Map<String, Long> raised, int firstPage) {
      this(fetch, skip, raised, firstPage, Long.MAX_VALUE);
    }

    Cursor(Fetch fetch, Set<String> skip, Map<String, Long> raised, int firstPage, long cutoff) {
      this.fetch = fetch;
      this.skip = skip;
      this.raised = raised;
      this.cutoff = cutoff;
      this.lastLimit = firstPage;
    }

    List<StoredMemory> next(int n) {
      if (buffer.size() - position < n && !exhausted) {
        refill(n);
      }
      int end = Math.min(buffer.size(), position + n);
      List<StoredMemory> out = new ArrayList<>(buffer.subList(position, end));
      position = end;
      for (StoredMemory sm : out) {
        handedOut.add(sm.key());
      }
      return out;
    }

    private void refill(int n) {
      long wanted = (long) handedOut.size() + n + skip.size() + raised.size();
      int limit = (int) Math.min(Integer.MAX_VALUE - 1L, Math.max(wanted, 2L * lastLimit));
      lastLimit = limit;
      List<StoredMemory> page = fetch.oldest(limit);
      exhausted = page.size() < limit;
      List<StoredMemory> fresh = new ArrayList<>(page.size());
      for (StoredMemory sm : page) {
        String key = sm.key();
        if (skip.contains(key) || handedOut.contains(key)) {
          continue;
        }
        Long up = raised.get(key);
        long last = up == null ? sm.lastAccessMillis() : Math.max(up, sm.lastAccessMillis());
        if (last >= cutoff) {
          continue;
        }
        fresh.add(bare(sm, last));
      }
      if (!raised.isEmpty()) {
        fresh.sort(
            Comparator.comparingLong(StoredMemory::lastAccessMillis)
                .thenComparing(StoredMemory::key));
      }
      buffer = fresh;
      position = 0;
    }
  }
}
