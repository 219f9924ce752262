package io.tieredmemory.core;

/**
 * What one tier holds.
 *
 * @param kind the backend kind, e.g. {@code in-process}, {@code redis}
 * @param items how many memories it holds
 * @param bytes approximate UTF-8 bytes of keys, content and metadata
 */
public record TierStats(String kind, long items, long bytes) {}
