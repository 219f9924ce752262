package io.tieredmemory.hardening;

import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.TierStore;

/**
 * The archive and rehydration crash points of {@link ArchiveRehydrateCrashes} on real PostgreSQL
 * (WARM) and Chroma (COLD), HOT in process. A crash drops the store and its PostgreSQL and Chroma
 * backends (their buffered read statistics with them); the reopened store gets new backends over
 * the same table and collection, as a restarted process would.
 */
class CrashPointsIT extends ArchiveRehydrateCrashes {
  private RealBackends real;

  @Override
  CrashHarness.Servers servers() {
    real = new RealBackends("crash");
    TierStore hot = InProcessTiers.hot();
    return new CrashHarness.Servers() {
      @Override
      public TierStore hot() {
        return hot;
      }

      @Override
      public TierStore warm() {
        return real.warm();
      }

      @Override
      public TierStore cold() {
        return real.cold();
      }
    };
  }

  @Override
  void releaseServers() throws Exception {
    real.close();
  }
}
