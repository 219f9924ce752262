package io.tieredmemory.core;

/**
 * What a store shows of one of its tiers ({@link TieredMemory#tier(Tier)}): read-only. The tiers
 * themselves are driven by the store alone; writing to one directly would bypass the key locks
 * every guarantee rests on.
 *
 * <pre>{@code
 * TierView cold = store.tier(Tier.COLD);
 * System.out.println(cold.kind() + (cold.remote() ? " (remote)" : "") + ": " + cold.count());
 * }</pre>
 */
public interface TierView {
  /** Which tier. */
  Tier tier();

  /** The backend's short description, e.g. {@code redis}, {@code in-process}. */
  String kind();

  /** Whether calls leave the process. */
  boolean remote();

  /** Whether the tier answers similarity searches. */
  boolean searchable();

  /**
   * How many calls to the tier failed in a row, as of the last call: 0 once any call succeeds. The
   * store's health, read from what its requests and sweeps saw, never from a call made to check.
   */
  int failuresInRow();

  /** Whether the last call to the tier succeeded ({@code failuresInRow() == 0}). */
  default boolean up() {
    return failuresInRow() == 0;
  }

  /**
   * How many memories the tier holds now (for WARM, archive marks not counted). Asks the backend:
   * do not call it per request.
   *
   * @throws RuntimeException if the backend fails
   */
  long count();
}
