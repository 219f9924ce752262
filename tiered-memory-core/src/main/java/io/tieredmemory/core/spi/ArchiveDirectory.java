package io.tieredmemory.core.spi;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The WARM tier's record of where every memory lives, a capability of a {@link TierStore} ({@link
 * TierStore#directory()}) that every WARM tier must have. When a memory is archived, WARM keeps a
 * small mark of its key and version instead of dropping it, so WARM alone answers "does this key
 * exist, and where?": a key WARM knows nothing of exists nowhere (a read misses without asking
 * COLD), and a put, a delete or a rehydration changes one row of WARM, atomically, which is where
 * each of them takes effect.
 *
 * <p>In a tier with a directory, marks are not memories: {@link TierStore#read}, {@link
 * TierStore#peek}, {@link TierStore#touch}, {@link TierStore#oldestAccessed}, {@link
 * TierStore#count}, {@link TierStore#bytes}, search and the conditional removals ignore them. The
 * writes see them:
 *
 * <ul>
 *   <li>{@link TierStore#upsert} over a mark replaces it with the new version and, in the same
 *       atomic step, notes the key in the {@link ReconcileJournal} for {@code COLD} with the mark's
 *       version (COLD still holds that superseded copy until a sweep removes it);
 *   <li>{@link TierStore#copyIn} replaces a mark whose version is not newer than the copy (a
 *       rehydration);
 *   <li>{@link TierStore#remove} removes a memory or a mark, and for a mark notes the key in the
 *       journal for {@code COLD} in the same atomic step; it returns true for either ({@link
 *       #delete} does the same and says which it was).
 * </ul>
 *
 * <pre>{@code
 * ArchiveDirectory dir = warm.directory().orElseThrow();
 * cold.copyAllIn(batch);                                  // COLD first
 * dir.markArchived(Map.of("user:42:lang", 17L));          // then WARM: memory -> mark
 * dir.locate("user:42:lang", now);                        // Location.Archived[version=17]
 * }</pre>
 */
public interface ArchiveDirectory {

  /**
   * Where {@code key} lives; records an access if WARM holds the memory (as {@link TierStore#read}
   * does).
   *
   * @return the location, or {@code null} if the key exists nowhere
   */
  @Nullable Location locate(String key, long nowMillis);

  /**
   * {@link #locate} for several keys in one round trip where the backend can; keys that exist
   * nowhere are left out.
   */
  Map<String, Location> locateAll(Collection<String> keys, long nowMillis);

  /** Where each key lives, recording no access; keys that exist nowhere are left out. */
  Map<String, Location> peekLocations(Collection<String> keys);

  /**
   * For each key whose memory is exactly the version given, replaces the memory by a mark of that
   * version (the memory has been copied to COLD). Atomic per key, not across keys: a concurrent
   * write of a key is ordered before or after its mark.
   *
   * @param versions key to the exact version archived
   * @return the keys marked, in no particular order
   */
  List<String> markArchived(Map<String, Long> versions);

  /**
   * Removes the key's memory or mark, as {@link TierStore#remove} does (a mark is noted in the
   * journal for {@code COLD} in the same atomic step), and says what was there.
   *
   * @return where the key lived before, or {@code null} if it existed nowhere
   */
  @Nullable Location delete(String key);
}
