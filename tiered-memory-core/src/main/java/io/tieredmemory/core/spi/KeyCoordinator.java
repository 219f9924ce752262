package io.tieredmemory.core.spi;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Serialises every change of one key (put, delete and each move) across every thread and every
 * process that shares the same tiers, so that a put never interleaves with a delete or a move of
 * the same key. Reads take no lock. Locks are per key: a thread waits only for the key it asked
 * for.
 *
 * <p>The default, {@link #inProcess()}, is enough for a single process. Services that run several
 * instances over one Redis, PostgreSQL and Chroma plug in a shared one, e.g. {@code
 * PostgresKeyCoordinator} (advisory locks in the WARM database). Locks are not reentrant: a thread
 * never asks twice for a key it holds.
 *
 * <pre>{@code
 * TieredMemory store = TieredMemory.builder("agent")
 *     .warm(PostgresTierStore.builder(dataSource).build())
 *     .coordinator(PostgresKeyCoordinator.builder(dataSource).build())
 *     .build();
 * }</pre>
 */
public interface KeyCoordinator extends AutoCloseable {

  /**
   * Locks {@code key} for this process until the returned lease is closed, waiting up to the
   * implementation's timeout.
   *
   * @throws RuntimeException if the lock cannot be had in time or the coordinator failed; the move
   *     or delete that asked is then not done
   */
  Lease lock(String key);

  /**
   * Locks every key of {@code keys} for this process until the returned lease is closed, for a move
   * of a whole batch. All or nothing: if one lock cannot be had, those already taken are released
   * and the call throws.
   *
   * <p>Implementations must take the locks in one canonical order that every process uses (this
   * default: distinct keys in {@link String#compareTo} order, one {@link #lock} each), so two
   * batches that overlap cannot deadlock; a single-key {@link #lock} holder waits for nothing else,
   * so it cannot close a cycle either. Backends override this to take the whole batch in one round
   * trip.
   *
   * @param keys the keys; duplicates are locked once, an empty collection locks nothing
   * @return one lease that releases every lock when closed
   * @throws RuntimeException if a lock cannot be had in time or the coordinator failed; no lock is
   *     then held
   */
  default Lease lockAll(Collection<String> keys) {
    List<String> order = new ArrayList<>(new TreeSet<>(keys));
    Lease[] held = new Lease[order.size()];
    int n = 0;
    try {
      for (String key : order) {
        held[n] = lock(key);
        n++;
      }
    } catch (RuntimeException | Error e) {
      releaseAll(held, n);
      throw e;
    }
    int count = n;
    return () -> releaseAll(held, count);
  }

  /** Closes the first {@code n} leases, last first; a close that throws does not stop the rest. */
  private static void releaseAll(Lease[] held, int n) {
    RuntimeException first = null;
    for (int i = n - 1; i >= 0; i--) {
      try {
        held[i].close();
      } catch (RuntimeException e) {
        // Leases promise not to throw; one that does must not keep the others locked.
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * Whether the locks exclude other processes too. The store reads it to decide what a put or a
   * delete does when HOT cannot be reached: with locks of this process only, every reader is in
   * this process, so the store notes the key as "HOT may be stale" and goes on; with locks shared
   * across processes, readers elsewhere would still be served the old HOT copy, so the put or
   * delete fails before writing anything (see docs/reliability.md). True unless overridden.
   */
  default boolean spansProcesses() {
    return true;
  }

  /** Releases the coordinator's resources. */
  @Override
  default void close() {}

  /** A held lock; closing it releases the lock. Never throws on close. */
  interface Lease extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * A new coordinator for the threads of one process: a lock per key in use, held in memory. Each
   * store gets its own unless one is shared on purpose.
   */
  static KeyCoordinator inProcess() {
    return new InProcessCoordinator();
  }
}
