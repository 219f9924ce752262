package io.tieredmemory.core.spi;

import java.util.Objects;

/**
 * Where the WARM tier says a key's memory lives: held in WARM ({@link Held}), or archived to COLD
 * at a known version ({@link Archived}). A key WARM knows nothing about has no location at all
 * ({@code null} from {@link ArchiveDirectory#locate}): it does not exist in any tier.
 *
 * <pre>{@code
 * Location where = directory.locate("user:42:lang", now);
 * if (where instanceof Location.Held held) {
 *   use(held.memory().memory());
 * } else if (where instanceof Location.Archived archived) {
 *   Memory m = cold.read("user:42:lang", now); // COLD holds version archived.version()
 * }
 * }</pre>
 */
public sealed interface Location permits Location.Held, Location.Archived {

  /** The version of the memory, wherever it lives. */
  long version();

  /**
   * WARM holds the memory itself.
   *
   * @param memory the memory with WARM's access statistics
   */
  record Held(StoredMemory memory) implements Location {
    /** Checks the memory is present. */
    public Held {
      Objects.requireNonNull(memory, "memory");
    }

    @Override
    public long version() {
      return memory.version();
    }
  }

  /**
   * WARM keeps only a mark: the memory was archived to COLD at {@code version}, and COLD holds that
   * version (COLD gets the copy before WARM writes the mark).
   *
   * @param version the archived version, at least 1
   */
  record Archived(long version) implements Location {
    /** Checks the version. */
    public Archived {
      if (version < 1) {
        throw new IllegalArgumentException("version must be >= 1, was " + version);
      }
    }
  }
}
