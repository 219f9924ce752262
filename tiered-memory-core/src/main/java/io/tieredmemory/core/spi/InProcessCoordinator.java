package io.tieredmemory.core.spi;

import java.util.Collection;

/** The coordinator for a single process: the store's own per-key locks already serialise moves. */
enum InProcessCoordinator implements KeyCoordinator {
  INSTANCE;

  private static final Lease RELEASED = () -> {};

  @Override
  public Lease lock(String key) {
    return RELEASED;
  }

  /** A no-op, like {@link #lock}: the store's striped locks already cover the whole batch. */
  @Override
  public Lease lockAll(Collection<String> keys) {
    return RELEASED;
  }

  @Override
  public String toString() {
    return "KeyCoordinator.inProcess()";
  }
}
