package io.tieredmemory.core.spi;

import java.util.Map;

/**
 * A durable note, kept by the WARM tier, of keys whose copies may need reconciling after a move was
 * interrupted: an archive or a rehydration between its copy and its removal, a drop of stale COLD
 * copies half done. The store writes a note before such a step and forgets it after; if the process
 * dies in between, the next sweep of any instance finds the note and settles the key under its lock
 * (a COLD copy no newer than WARM's version goes; WARM's copy stays). WARM backends implement it so
 * a crash leaves no duplicate behind; without it the store keeps the notes in memory, which a crash
 * loses (reads stay correct; the duplicate goes when the key is archived again).
 */
public interface ReconcileJournal {
  /** Records each key with its version (keeping the larger version if a note exists). */
  void note(Map<String, Long> versions);

  /** Up to {@code limit} notes, any order. */
  Map<String, Long> notes(int limit);

  /** Removes each note whose version is exactly the one given (a newer note stays). */
  void forget(Map<String, Long> versions);
}
