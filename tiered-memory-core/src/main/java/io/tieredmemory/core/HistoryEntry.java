package io.tieredmemory.core;

import io.tieredmemory.core.policy.MoveReason;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One step of a memory's life, as {@link TieredMemory#history(String)} returns it and as WARM's
 * {@link io.tieredmemory.core.spi.HistoryLog} keeps it.
 *
 * @param id the order the log stored it in (increasing across every instance sharing WARM); 0 for
 *     an entry not yet stored
 * @param key the memory's key
 * @param at when it happened, by the clock of the instance that did it (taken under the key's lock)
 * @param instance the instance that did it ({@code TieredMemory.Builder.instanceId})
 * @param kind what happened
 * @param version the version written, moved or deleted; for an eviction, as in {@link
 *     io.tieredmemory.core.event.TierEvent.Evicted}, the version that superseded the copy dropped
 * @param from the tier it left (a move), was dropped from (an eviction) or deleted from (WARM, or
 *     COLD for an archived memory); null for a put
 * @param to the tier it reached (a put: WARM; a move); null otherwise
 * @param reason why it moved or was dropped; null for a put or delete
 * @param detail the decision in words (e.g. {@code "3 reads in 10m"}), or empty
 * @param inputs what the policy decided on, by name (e.g. {@code reads}, {@code idle_ms}, {@code
 *     hot_held}); empty where the decision had none. Names are listed in {@link Inputs}.
 */
public record HistoryEntry(
    long id,
    String key,
    Instant at,
    String instance,
    Kind kind,
    long version,
    @Nullable Tier from,
    @Nullable Tier to,
    @Nullable MoveReason reason,
    String detail,
    Map<String, Long> inputs) {

  /** Checks the fields; copies the inputs into an unmodifiable map in their order. */
  public HistoryEntry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
    inputs = inputs.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
  }

  /** This entry as the log stored it, under {@code id}. */
  public HistoryEntry withId(long id) {
    return new HistoryEntry(id, key, at, instance, kind, version, from, to, reason, detail, inputs);
  }

  /** What happened to the memory. */
  public enum Kind {
    /** A {@code put} stored a new version in WARM (and a copy in HOT). */
    PUT,
    /** Copied from WARM to HOT. */
    PROMOTED,
    /** Dropped from HOT; WARM keeps it. */
    DEMOTED,
    /** Moved from WARM to COLD (WARM keeps a mark). */
    ARCHIVED,
    /** Moved from COLD back to WARM. */
    REHYDRATED,
    /** A stale copy was dropped from a tier ({@link #from()}). */
    EVICTED,
    /** A {@code delete} removed it from every tier. */
    DELETED;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** The lower-case name used in JSON and in WARM's table, e.g. {@code promoted}. */
    public String label() {
      return label;
    }

    /** The kind whose {@link #label()} is {@code label}. */
    public static Kind ofLabel(String label) {
      for (Kind k : values()) {
        if (k.label.equals(label)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown history kind '" + label + "'");
    }

    /** The kind of a move from {@code from} to {@code to}. */
    static Kind ofMove(Tier from, Tier to) {
      if (to == Tier.HOT) {
        return PROMOTED;
      }
      if (to == Tier.COLD) {
        return ARCHIVED;
      }
      return from == Tier.HOT ? DEMOTED : REHYDRATED;
    }
  }

  /** The names of the policy inputs an entry may carry. */
  public static final class Inputs {
    /** Promotion: the reads counted within the window (the rule's number). */
    public static final String READS = "reads";

    /** Promotion: the rule's window, in milliseconds. */
    public static final String WINDOW_MS = "window_ms";

    /** Promotion: the time from the first to the last of the counted reads, in milliseconds. */
    public static final String READS_SPAN_MS = "reads_span_ms";

    /** Demotion or archive for idleness: how long the memory went unread, in milliseconds. */
    public static final String IDLE_MS = "idle_ms";

    /** Demotion or archive for idleness: the rule's idle limit, in milliseconds. */
    public static final String IDLE_LIMIT_MS = "idle_limit_ms";

    /** Capacity demotion: how many memories HOT held when the sweep decided. */
    public static final String HOT_HELD = "hot_held";

    /** Capacity demotion: HOT's capacity. */
    public static final String HOT_CAPACITY = "hot_capacity";

    private Inputs() {}
  }
}
