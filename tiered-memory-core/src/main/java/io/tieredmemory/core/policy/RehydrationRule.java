package io.tieredmemory.core.policy;

/**
 * What happens when a read is served from COLD: the memory moves back to WARM ({@code enabled}),
 * and also to HOT when {@code promoteToHot}.
 *
 * @param enabled whether a cold read moves the memory back to WARM
 * @param promoteToHot whether it also goes to HOT (only when enabled)
 */
public record RehydrationRule(boolean enabled, boolean promoteToHot) {
  /** Validates the combination. */
  public RehydrationRule {
    if (promoteToHot && !enabled) {
      throw new IllegalArgumentException(
          "rehydration.promoteToHot must be false when rehydration.enabled is false");
    }
  }

  /** The default: rehydrate to WARM on read, let the promotion rule decide about HOT. */
  public static RehydrationRule defaults() {
    return new RehydrationRule(true, false);
  }

  /** The decision for a memory read from COLD. */
  public Decision decision() {
    return new Decision(MoveReason.COLD_READ, "read from cold");
  }
}
