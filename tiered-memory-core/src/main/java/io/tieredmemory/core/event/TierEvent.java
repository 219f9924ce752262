package io.tieredmemory.core.event;

import io.tieredmemory.core.BackendOperation;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.policy.MoveReason;
import java.time.Duration;
import java.time.Instant;

/**
 * Something a {@code TieredMemory} did, given to every {@link
 * io.tieredmemory.core.spi.TierObserver} that {@linkplain
 * io.tieredmemory.core.spi.TierObserver#wantsEvents() wants events}, in the thread that did it
 * (after any key lock it held is released). Events carry keys but never content; anything served
 * over HTTP hashes the keys unless configured otherwise.
 *
 * <pre>{@code
 * TierObserver log = TierObserver.events(event -> {
 *   if (event instanceof TierEvent.Moved m) {
 *     System.out.println(m.kind() + " " + m.from().label() + "->" + m.to().label() + ": " + m.detail());
 *   }
 * });
 * }</pre>
 */
public sealed interface TierEvent {

  /** The configured store name. */
  String store();

  /** When it happened, by the store's clock. */
  Instant at();

  /** The kind of event, a stable lower-case word (e.g. {@code promoted}). */
  String kind();

  /** A {@code put} stored a new version (in WARM, then HOT). */
  record Put(String store, Instant at, String key, long version, Duration took)
      implements TierEvent {
    @Override
    public String kind() {
      return "put";
    }
  }

  /**
   * A memory moved between tiers, with the decision behind it. {@link #kind()} names the move:
   *
   * <ul>
   *   <li>{@code promoted}: WARM to HOT, a copy placed in HOT; WARM keeps the memory;
   *   <li>{@code demoted}: HOT to WARM, the HOT copy dropped after WARM learned its last access;
   *   <li>{@code archived}: WARM to COLD, copied to the archive, then marked archived in WARM;
   *   <li>{@code rehydrated}: COLD to WARM, copied back over WARM's mark, then removed from COLD.
   * </ul>
   *
   * @param key the memory's key
   * @param version the version that moved
   * @param from the tier it left (or was copied from)
   * @param to the tier it reached
   * @param reason why
   * @param detail a short human explanation, e.g. {@code "3 reads in 10m"}
   * @param took how long the move took
   */
  record Moved(
      String store,
      Instant at,
      String key,
      long version,
      Tier from,
      Tier to,
      MoveReason reason,
      String detail,
      Duration took)
      implements TierEvent {
    @Override
    public String kind() {
      return kindOf(from, to);
    }

    /** {@code promoted}, {@code demoted}, {@code archived} or {@code rehydrated}. */
    public static String kindOf(Tier from, Tier to) {
      if (to == Tier.HOT) {
        return "promoted";
      }
      if (to == Tier.COLD) {
        return "archived";
      }
      return from == Tier.HOT ? "demoted" : "rehydrated";
    }
  }

  /**
   * A stale copy was dropped from a tier: one older than {@code version}, the version that
   * superseded it (or, after a delete, the delete's own version).
   */
  record Evicted(
      String store,
      Instant at,
      String key,
      long version,
      Tier tier,
      MoveReason reason,
      String detail)
      implements TierEvent {
    @Override
    public String kind() {
      return "evicted";
    }
  }

  /** A {@code delete} removed a memory from every tier. */
  record Deleted(String store, Instant at, String key, boolean existed) implements TierEvent {
    @Override
    public String kind() {
      return "deleted";
    }
  }

  /**
   * A backend call failed. The store carried on where it could (a read falls through to the next
   * tier, a HOT write failure is repaired later); {@code message} is the exception's message.
   */
  record BackendFailed(
      String store,
      Instant at,
      Tier tier,
      BackendOperation operation,
      String errorType,
      String message)
      implements TierEvent {
    @Override
    public String kind() {
      return "backend_failed";
    }
  }

  /** A sweep finished, with what it did. */
  record SweepCompleted(
      String store,
      Instant at,
      int demoted,
      int archived,
      int reconciled,
      int failed,
      Duration took)
      implements TierEvent {
    @Override
    public String kind() {
      return "sweep_completed";
    }
  }
}
