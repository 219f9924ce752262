package io.tieredmemory.benchmarks;

import io.tieredmemory.core.spi.ForwardingTierStore;
import io.tieredmemory.core.spi.TierStore;

/**
 * An in-process tier that says it is remote, so a store registers and records the per-backend
 * timers it would for Redis, PostgreSQL and Chroma: the metric set of a production store, without
 * the servers. Its vector search, when the delegate has one, is forwarded.
 */
final class RemoteLike extends ForwardingTierStore {
  RemoteLike(TierStore delegate) {
    super(delegate);
  }

  @Override
  public String kind() {
    return "remote-like";
  }

  @Override
  public boolean isRemote() {
    return true;
  }
}
