package io.tieredmemory.benchmarks;

import io.tieredmemory.core.spi.ForwardingTierStore;
import io.tieredmemory.core.spi.SearchableTierStore;
import io.tieredmemory.core.spi.TierStore;

/**
 * An in-process tier that says it is remote, so a store registers and records the per-backend
 * timers it would for Redis, PostgreSQL and Chroma: the metric set of a production store, without
 * the servers.
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

  /** A searchable tier that says it is remote. */
  static final class Searchable extends ForwardingTierStore.Searchable {
    Searchable(SearchableTierStore delegate) {
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
}
