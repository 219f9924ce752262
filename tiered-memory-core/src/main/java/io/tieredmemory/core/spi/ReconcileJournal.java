package io.tieredmemory.core.spi;

import io.tieredmemory.core.Tier;
import java.util.Map;

/**
 * A durable note, kept by the WARM tier ({@link TierStore#journal()}), of keys whose copy in
 * another tier may not be the one WARM points to, so that a sweep of any instance settles them
 * under the key's lock even if the process that left them died:
 *
 * <ul>
 *   <li>for {@link Tier#COLD}: a copy that is not the archived version WARM's directory names (a
 *       put or delete over an archived memory, an archive or a rehydration interrupted between its
 *       copy and its removal); settled by removing every COLD copy WARM does not point to;
 *   <li>for {@link Tier#HOT}: a copy that may be older than WARM's, because removing it failed
 *       while HOT was unreachable; settled by removing it.
 * </ul>
 *
 * A note only asks "compare this key across tiers", which is safe to act on at any time, so the
 * store writes it before each risky step and forgets it after the step completed.
 *
 * <pre>{@code
 * ReconcileJournal journal = warm.journal().orElseThrow();
 * journal.note(Tier.COLD, Map.of("user:42:lang", 17L));
 * journal.notes(Tier.COLD, 100);   // {user:42:lang=17}
 * journal.forget(Tier.COLD, Map.of("user:42:lang", 17L));
 * }</pre>
 */
public interface ReconcileJournal {
  /**
   * Records each key with its version for {@code tier} (keeping the larger version if a note
   * exists).
   */
  void note(Tier tier, Map<String, Long> versions);

  /** Up to {@code limit} notes for {@code tier}, any order. */
  Map<String, Long> notes(Tier tier, int limit);

  /**
   * Removes each note of {@code tier} whose version is exactly the one given (a newer note stays).
   */
  void forget(Tier tier, Map<String, Long> versions);
}
