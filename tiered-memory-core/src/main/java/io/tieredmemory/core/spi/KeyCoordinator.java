package io.tieredmemory.core.spi;

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
