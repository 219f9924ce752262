package io.tieredmemory.core;

/**
 * Where the moves that reads cause are made ({@link TieredMemory.Builder#readMoves(ReadMoves)}):
 * the promotion of a WARM memory on its Nth read in the policy's window, and the rehydration (and
 * promotion, if the policy says so) of an archived memory read from COLD. The same setting places
 * the copy a {@code put} leaves in a remote HOT tier (an in-process HOT tier always takes it before
 * {@code put} returns).
 *
 * <p>Either way a {@code get} returns what it found, from the tier that served it, and the move
 * re-reads its source under the key's lock and acts only on what is there then, as every move does.
 * A {@code put} has removed HOT's old copy and written WARM before it returns; until its HOT copy
 * is in, reads are served the new version by WARM. So the store's guarantees (per-key
 * linearizability, nothing lost) are the same in every mode; only <em>when</em> a memory reaches
 * HOT changes.
 */
public enum ReadMoves {
  /**
   * The default: {@link #CALLER} when all three tiers are in process (a move then costs a few
   * microseconds, less than handing it to another thread), {@link #BACKGROUND} when any is remote.
   */
  AUTO,

  /**
   * On the calling thread, before {@code get} or {@code put} returns: a test that reads N times, or
   * puts, sees the memory in HOT right after. The caller then waits for the move's calls to the
   * tiers: a promotion reads WARM and writes HOT; a rehydration reads COLD, writes WARM and removes
   * COLD's copy; a put's copy writes HOT.
   */
  CALLER,

  /**
   * On threads of the store's own (two, named {@code tiered-memory-<store>-moves}, started on the
   * first move and ended after 30 s without one), after {@code get} or {@code put} returned: the
   * caller pays a hand-off, never a call to a tier for a move. A put's copy re-reads WARM under the
   * key's lock and copies the version it finds then. A move already waiting for a key is not queued
   * twice. At most {@value TieredMemory.Builder#MAX_PENDING_READ_MOVES} keys wait; beyond that a
   * move is dropped and counted ({@link TieredMemory#readMovesDropped()}): the memory stays where
   * it is, is served from there, and later reads move it. {@link TieredMemory#close()} lets the
   * moves under way finish and drops those still waiting.
   */
  BACKGROUND
}
