package io.tieredmemory.core.event;

import io.tieredmemory.core.BackendOperation;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.policy.MoveReason;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

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

  /**
   * What a search, or a read through a framework adapter, returned to its caller (an agent): each
   * memory with the version returned, the tier that served it and its similarity to the query. Sent
   * just before the request completes, on the caller's thread (so a tracer's current span is the
   * request's own). Every {@code TieredMemory.search} sends one (an empty result included); a
   * {@code get} sends one only when it names its source ({@code TieredMemory.get(key, source)}, as
   * the chat memory adapters do).
   *
   * @param source who recalled: {@code api}, {@code langchain4j}, {@code spring-ai}... (see {@code
   *     RecallSource})
   * @param results what was returned, in the order returned (best first for a search)
   * @param query the query text, only when the store was built with {@code recordQueryText(true)}
   *     and the search had text (never for a get)
   * @param traceId the caller's current trace id, when the store was given a {@code traceIds}
   *     supplier and it returned one
   * @param took how long the request took
   */
  record Recalled(
      String store,
      Instant at,
      String source,
      List<Result> results,
      @Nullable String query,
      @Nullable String traceId,
      Duration took)
      implements TierEvent {
    /** Copies the results. */
    public Recalled {
      results = List.copyOf(results);
    }

    @Override
    public String kind() {
      return "recalled";
    }

    /** How many of the results {@code tier} served. */
    public int servedBy(Tier tier) {
      int n = 0;
      for (Result r : results) {
        if (r.tier() == tier) {
          n++;
        }
      }
      return n;
    }

    /**
     * One memory returned.
     *
     * @param key its key
     * @param version the version returned
     * @param tier the tier that served it
     * @param similarity its cosine similarity to the query, in [-1, 1]; {@code NaN} for a read by
     *     key (no query to compare with)
     */
    public record Result(String key, long version, Tier tier, double similarity) {
      /** Checks the key and tier are present. */
      public Result {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(tier, "tier");
      }
    }
  }
}
