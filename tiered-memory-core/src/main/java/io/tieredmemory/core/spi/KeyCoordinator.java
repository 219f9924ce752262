package io.tieredmemory.core.spi;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Serialises the moves and deletes of one key across every process that shares the same tiers, so
 * two instances never move the same memory at once and a delete never races a move. Puts do not
 * take it: versions keep them safe against moves.
 *
 * <p>The default, {@link #inProcess()}, is enough for a single process (the store always serialises
 * per key within its own process). Services that run several instances over one Redis, PostgreSQL
 * and Chroma plug in a shared one, e.g. {@code PostgresKeyCoordinator} (advisory locks in the WARM
 * database).
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

  /** Releases the coordinator's resources. */
  @Override
  default void close() {}

  /** A held lock; closing it releases the lock. Never throws on close. */
  interface Lease extends AutoCloseable {
    @Override
    void close();
  }

  /** The single-process coordinator: a no-op (the store's own per-key locks suffice). */
  static KeyCoordinator inProcess() {
    return InProcessCoordinator.INSTANCE;
  }
}
