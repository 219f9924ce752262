package io.tieredmemory.core.spi;

import io.tieredmemory.core.Memory;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tier backend: where one tier's memories live (in process, Redis, PostgreSQL, Chroma). The
 * {@code TieredMemory} drives it; users only construct one and hand it to the builder.
 *
 * <p>The contract every implementation must keep, checked by {@code TierStoreContract} in {@code
 * tiered-memory-test-kit}:
 *
 * <ul>
 *   <li>Versions never go backwards: {@link #upsert} stores a version greater than the one it
 *       replaces, and {@link #copyIn} never replaces a newer version with an older one.
 *   <li>Conditional removals ({@link #removeIfVersion}, {@link #removeIfOlder}) are atomic with
 *       respect to concurrent writes of the same key: a newer version written concurrently is never
 *       removed.
 *   <li>{@link #oldestAccessed} costs time proportional to what it returns, not to what the tier
 *       holds (an index, not a scan).
 *   <li>Methods are thread-safe. Failures are thrown as runtime exceptions; the store records them
 *       and decides what to do.
 * </ul>
 *
 * <p>Methods returning a single memory return {@code null} when the key is absent, so a hit costs
 * no allocation.
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
  Memory read(String key, long nowMillis);

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
  StoredMemory peek(String key);

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
    List<String> removed = new java.util.ArrayList<>();
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

  /** Writes buffered access statistics out; a no-op where nothing is buffered. */
  default void flush() {}

  /** Flushes and releases resources the tier created. Resources passed in (pools) stay open. */
  @Override
  void close();
}
