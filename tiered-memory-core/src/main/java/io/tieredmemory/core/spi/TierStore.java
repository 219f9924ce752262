package io.tieredmemory.core.spi;

import io.tieredmemory.core.KindCount;
import io.tieredmemory.core.Kinds;
import io.tieredmemory.core.Memory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A tier backend: where one tier's memories live (in process, Redis, PostgreSQL, Chroma). The
 * {@code TieredMemory} drives it; users only construct one and hand it to the builder.
 *
 * <p>The contract every implementation must keep, checked by {@code TierStoreContract} in {@code
 * tiered-memory-test-kit}:
 *
 * <ul>
 *   <li>Versions never go backwards: {@link #upsert} stores a version greater than the one it
 *       replaces, and {@link #copyIn} (and {@link #copyAllIn}) never replaces a newer version with
 *       an older one.
 *   <li>Conditional removals ({@link #removeIfVersion}, {@link #removeIfOlder} and their batch
 *       forms {@link #removeAllIfVersion}, {@link #removeAllIfOlder}) are atomic with respect to
 *       concurrent writes of the same key: a newer version written concurrently is never removed.
 *       Batch methods are atomic per key, not across keys.
 *   <li>{@link #oldestAccessed} costs time proportional to what it returns, not to what the tier
 *       holds (an index, not a scan).
 *   <li>Methods are thread-safe. Failures are thrown as runtime exceptions; the store records them
 *       and decides what to do.
 * </ul>
 *
 * <p>Methods returning a single memory return {@code null} when the key is absent, so a hit costs
 * no allocation.
 *
 * <p>Optional capabilities are views, empty unless the backend has them (as Caffeine's {@code
 * Policy.eviction()}): {@link #vectorSearch()}, {@link #directory()} and {@link #journal()}, which
 * the WARM tier must have, and {@link #history()} and {@link #eventLog()}, which it should have.
 */
public interface TierStore extends AutoCloseable {

  /**
   * A short description of the backend for logs and stats, e.g. {@code in-process}, {@code redis}.
   */
  String kind();

  /**
   * Whether calls leave the process. Calls to remote tiers are timed individually and reported to
   * observers; calls to in-process tiers are not (their cost is in the request timing).
   */
  default boolean isRemote() {
    return true;
  }

  /**
   * Reads a memory and records an access (count and last access, possibly buffered).
   *
   * @return the memory, or {@code null} if absent
   */
  @Nullable Memory read(String key, long nowMillis);

  /** Reads several memories and records an access for each found; absent keys are left out. */
  default Map<String, Memory> readAll(Collection<String> keys, long nowMillis) {
    Map<String, Memory> found = new HashMap<>();
    for (String key : keys) {
      Memory m = read(key, nowMillis);
      if (m != null) {
        found.put(key, m);
      }
    }
    return found;
  }

  /**
   * Reads a memory with its access statistics, without recording an access.
   *
   * @return the stored memory, or {@code null} if absent
   */
  @Nullable StoredMemory peek(String key);

  /** Peeks at several memories; absent keys are left out. */
  default Map<String, StoredMemory> peekAll(Collection<String> keys) {
    Map<String, StoredMemory> found = new HashMap<>();
    for (String key : keys) {
      StoredMemory m = peek(key);
      if (m != null) {
        found.put(key, m);
      }
    }
    return found;
  }

  /**
   * Writes a new version: stores {@code proposal} with version {@code max(proposal.version(),
   * existing.version() + 1)}, keeping the existing {@code createdAt} and access count, and raising
   * the last access to {@code nowMillis} (a write keeps a memory from going idle). Atomic per key.
   *
   * @return what was stored, with the version assigned
   */
  StoredMemory upsert(Memory proposal, long nowMillis);

  /**
   * Copies a version in during a move: stores {@code copy} (with its access statistics) if the key
   * is absent or holds a version {@code <= copy.version()}. Idempotent. Atomic per key.
   *
   * @return {@code true} if stored, {@code false} if a newer version was already there
   */
  boolean copyIn(StoredMemory copy);

  /**
   * Copies several versions in during a batch move, as {@link #copyIn} does for each: stores each
   * copy (with its access statistics) if its key is absent or holds a version {@code <=
   * copy.version()}. Idempotent.
   *
   * <p>Atomic per key, like {@link #copyIn}, not across keys: a concurrent write of one key is
   * ordered before or after that key's copy, never mixed with it, and a failure may leave some
   * copies stored and others not (each stored one complete). Callers that need all-or-nothing treat
   * every key of a failed call as possibly stored. Backends override this to use one round trip per
   * batch; the default calls {@link #copyIn} for each copy.
   *
   * @param copies the copies, at most one per key
   * @return the keys stored, in no particular order; a key left out held a newer version
   * @throws IllegalArgumentException if two copies have the same key (checked before anything is
   *     written)
   */
  default List<String> copyAllIn(List<StoredMemory> copies) {
    requireDistinctKeys(copies);
    List<String> stored = new ArrayList<>();
    for (StoredMemory copy : copies) {
      if (copyIn(copy)) {
        stored.add(copy.key());
      }
    }
    return stored;
  }

  /**
   * Removes each key only if it holds exactly the version given for it, as {@link #removeIfVersion}
   * does for one key.
   *
   * <p>Atomic per key, like {@link #removeIfVersion}, not across keys: a version written
   * concurrently (newer, or any other than the one given for that key) is never removed, and a
   * failure may leave some keys removed and others not. Callers treat every key of a failed call as
   * possibly removed. Backends override this to use one round trip per batch; the default calls
   * {@link #removeIfVersion} for each key.
   *
   * @param versions key to the exact version to remove
   * @return the keys removed, in no particular order
   */
  default List<String> removeAllIfVersion(Map<String, Long> versions) {
    List<String> removed = new ArrayList<>();
    for (Map.Entry<String, Long> e : versions.entrySet()) {
      if (removeIfVersion(e.getKey(), e.getValue())) {
        removed.add(e.getKey());
      }
    }
    return removed;
  }

  /**
   * Checks that {@code copies} holds at most one copy per key, as {@link #copyAllIn} requires, for
   * implementations to call before writing anything.
   *
   * @throws IllegalArgumentException naming the first repeated key
   */
  static void requireDistinctKeys(List<StoredMemory> copies) {
    Set<String> seen = new HashSet<>(Math.max(16, copies.size() * 2));
    for (StoredMemory copy : copies) {
      if (!seen.add(copy.key())) {
        throw new IllegalArgumentException(
            "copies must have distinct keys; key '" + copy.key() + "' appears more than once");
      }
    }
  }

  /**
   * Removes the key only if it holds exactly {@code version}. Atomic per key.
   *
   * @return {@code true} if removed
   */
  boolean removeIfVersion(String key, long version);

  /**
   * Removes the key only if it holds a version {@code < version} (a stale copy). Atomic per key.
   *
   * @return {@code true} if removed
   */
  boolean removeIfOlder(String key, long version);

  /**
   * Removes the key whatever its version.
   *
   * @return {@code true} if it was present
   */
  boolean remove(String key);

  /**
   * Raises the key's last access to at least {@code lastAccessMillis} (no effect if already later).
   * Used when another tier saw reads this one did not.
   *
   * @return whether the key is present
   */
  boolean touch(String key, long lastAccessMillis);

  /**
   * Removes each key whose stored version is older than the version given for it (stale copies), as
   * {@link #removeIfOlder(String, long)} does for one key. Backends override this to use one round
   * trip per batch.
   *
   * @return the keys removed
   */
  default List<String> removeAllIfOlder(Map<String, Long> versions) {
    List<String> removed = new ArrayList<>();
    for (Map.Entry<String, Long> e : versions.entrySet()) {
      if (removeIfOlder(e.getKey(), e.getValue())) {
        removed.add(e.getKey());
      }
    }
    return removed;
  }

  /**
   * The memories least recently accessed before {@code accessedBeforeMillis}, oldest first, at most
   * {@code limit}. {@code Long.MAX_VALUE} gives the least recently used overall.
   */
  List<StoredMemory> oldestAccessed(long accessedBeforeMillis, int limit);

  /** How many memories the tier holds (may be slightly stale for remote tiers). */
  long count();

  /** Approximate bytes held: UTF-8 sizes of keys, content and metadata. */
  long bytes();

  /**
   * How many memories of each raw kind the tier holds, and their bytes, counted exactly as {@link
   * #count()} and {@link #bytes()} count (an archive mark is not a memory of this tier), or empty
   * if this backend cannot count by kind (the default). The raw kind of a memory is {@link
   * Kinds#rawKindOf}: the metadata field's value or the key's prefix, {@code ""} for a memory that
   * has none; the store folds raw kinds into its capped set of labels.
   *
   * <p>May scan the tier (a {@code GROUP BY}, a paged read of every record's metadata): the store
   * calls it for {@code TieredMemory.kindStats()}, not per request. As {@link #count()} it may be
   * slightly stale for remote tiers.
   *
   * @return raw kind to its count; kinds with no memory are left out
   */
  default Optional<Map<String, KindCount>> countByKind(Kinds kinds) {
    return Optional.empty();
  }

  /** Writes buffered access statistics out; a no-op where nothing is buffered. */
  default void flush() {}

  /** Similarity search, if this tier answers it (COLD must, to be searched). Empty by default. */
  default Optional<VectorSearch> vectorSearch() {
    return Optional.empty();
  }

  /**
   * The record of where archived memories live, if this tier keeps one. A tier used as WARM must
   * ({@code TieredMemory.Builder.warm} refuses one that does not). Empty by default.
   */
  default Optional<ArchiveDirectory> directory() {
    return Optional.empty();
  }

  /**
   * The durable journal of copies to reconcile, if this tier keeps one. A tier used as WARM must.
   * Empty by default.
   */
  default Optional<ReconcileJournal> journal() {
    return Optional.empty();
  }

  /**
   * The durable history of memories ({@code TieredMemory.history(key)}), if this tier keeps one; a
   * WARM tier should. A store whose WARM keeps none records no history, and its {@code history}
   * throws {@link UnsupportedOperationException} naming the tier. Empty by default.
   */
  default Optional<HistoryLog> history() {
    return Optional.empty();
  }

  /**
   * The durable log of decisions that decision feeds write to and replay from ({@code
   * TieredMemory.eventLog()}), if this tier keeps one; a WARM tier should. Its ids must be visible
   * in order ({@link EventLog}). Empty by default.
   */
  default Optional<EventLog> eventLog() {
    return Optional.empty();
  }

  /** Flushes and releases resources the tier created. Resources passed in (pools) stay open. */
  @Override
  void close();
}
