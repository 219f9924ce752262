package io.tieredmemory.core.event;

import io.tieredmemory.core.BackendOperation;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.policy.MoveReason;
import java.time.Duration;
import java.time.Instant;

/**
 * Something a {@code TieredMemory} did, published to every {@link TierEventListener} in the thread
 * that did it. Events carry keys but never content; anything served over HTTP hashes the keys
 * unless configured otherwise.
 *
 * <pre>{@code
 * TierEventListener log = event -> {
 *   if (event instanceof TierEvent.Movement m) {
 *     System.out.println(m.kind() + " " + m.from().label() + "->" + m.to().label() + ": " + m.detail());
 *   }
 * };
 * }</pre>
 */
public sealed interface TierEvent {

  /** The configured store name. */
  String store();

  /** When it happened, by the store's clock. */
  Instant at();

  /** The kind of event, a stable lower-case word (e.g. {@code promoted}). */
  String kind();

  /** A movement of one memory between tiers, with the decision behind it. */
  sealed interface Movement extends TierEvent {
    /** The memory's key. */
    String key();

    /** The version that moved. */
    long version();

    /** The tier it left (or was copied from). */
    Tier from();

    /** The tier it reached. */
    Tier to();

    /** Why. */
    MoveReason reason();

    /** A short human explanation, e.g. {@code "3 reads in 10m"}. */
    String detail();

    /** How long the move took. */
    Duration took();
  }

  /** A {@code put} stored a new version (in WARM, then HOT). */
  record Put(String store, Instant at, String key, long version, Duration took)
      implements TierEvent {
    @Override
    public String kind() {
      return "put";
    }
  }

  /** WARM to HOT: a copy was placed in HOT; WARM keeps the memory. */
  record Promoted(
      String store,
      Instant at,
      String key,
      long version,
      Tier from,
      Tier to,
      MoveReason reason,
      String detail,
      Duration took)
      implements Movement {
    @Override
    public String kind() {
      return "promoted";
    }
  }

  /** HOT to WARM: the HOT copy was dropped after WARM was brought up to date. */
  record Demoted(
      String store,
      Instant at,
      String key,
      long version,
      Tier from,
      Tier to,
      MoveReason reason,
      String detail,
      Duration took)
      implements Movement {
    @Override
    public String kind() {
      return "demoted";
    }
  }

  /** WARM to COLD: copied to the archive, then removed from WARM. */
  record Archived(
      String store,
      Instant at,
      String key,
      long version,
      Tier from,
      Tier to,
      MoveReason reason,
      String detail,
      Duration took)
      implements Movement {
    @Override
    public String kind() {
      return "archived";
    }
  }

  /** COLD to WARM: copied back from the archive, then removed from COLD. */
  record Rehydrated(
      String store,
      Instant at,
      String key,
      long version,
      Tier from,
      Tier to,
      MoveReason reason,
      String detail,
      Duration took)
      implements Movement {
    @Override
    public String kind() {
      return "rehydrated";
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
