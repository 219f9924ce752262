package io.tieredmemory.core;

/**
 * How many memories of one kind a tier holds, and their size.
 *
 * @param items how many memories
 * @param bytes approximate UTF-8 bytes of their keys, content and metadata (as {@link
 *     TierStats#bytes()})
 */
public record KindCount(long items, long bytes) {
  /** No memory. */
  public static final KindCount ZERO = new KindCount(0, 0);

  /** This count plus {@code other}. */
  public KindCount plus(KindCount other) {
    return new KindCount(items + other.items, bytes + other.bytes);
  }
}
