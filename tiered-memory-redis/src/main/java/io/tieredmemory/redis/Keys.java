package io.tieredmemory.redis;

/**
 * The Redis key layout of one store: a hash per memory under {@code <prefix>m:}, the last-access
 * index {@code <prefix>lru} and the byte counter {@code <prefix>bytes}. The two store-wide keys
 * cannot collide with a memory hash because every memory key carries the {@code m:} infix.
 */
final class Keys {
  private final String prefix;
  private final String memoryPrefix;
  private final String index;
  private final String bytes;

  Keys(String prefix) {
    this.prefix = prefix;
    this.memoryPrefix = prefix + "m:";
    this.index = prefix + "lru";
    this.bytes = prefix + "bytes";
  }

  String prefix() {
    return prefix;
  }

  /** The hash holding the memory stored under {@code key}. */
  String memory(String key) {
    return memoryPrefix.concat(key);
  }

  /** The sorted set of the store's keys, scored by last access (epoch millis). */
  String index() {
    return index;
  }

  /** The string counter of the bytes the store holds. */
  String bytes() {
    return bytes;
  }
}
