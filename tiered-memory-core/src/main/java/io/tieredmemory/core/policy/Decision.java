package io.tieredmemory.core.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A policy's decision to move a memory: a machine-readable reason, a short human detail, such as
 * {@code "3 reads in 10m"} or {@code "idle 31m"}, and the numbers it was decided on (see {@link
 * io.tieredmemory.core.HistoryEntry.Inputs} for their names), which a memory's history keeps.
 *
 * @param reason why, never null
 * @param detail a short human explanation, never null
 * @param inputs what the rule decided on, by name (e.g. {@code idle_ms}); empty if nothing
 */
public record Decision(MoveReason reason, String detail, Map<String, Long> inputs) {
  /** Checks the fields; copies the inputs into an unmodifiable map in their order. */
  public Decision {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(inputs, "inputs");
    inputs = inputs.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
  }

  /** A decision without inputs. */
  public Decision(MoveReason reason, String detail) {
    this(reason, detail, Map.of());
  }

  /** Two inputs in order: what most rules decide on. */
  static Map<String, Long> inputs(String k1, long v1, String k2, long v2) {
    Map<String, Long> m = new LinkedHashMap<>(4);
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }
}
