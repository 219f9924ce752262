package io.tieredmemory.testkit.interleavings;

import io.tieredmemory.core.spi.ForwardingTierStore;
import io.tieredmemory.core.spi.TierStore;
import java.util.Random;
import java.util.function.Supplier;

/**
 * One store instance's view of a shared tier, which says it is remote: every call is a scheduling
 * point, and fails now and then, drawn from the scheduler's random source: before it reaches the
 * tier (nothing applied), or after (applied, its answer lost, as on a timeout). Each instance has
 * its own wrapper, so one instance may fail to reach a tier the other reaches.
 */
final class ScheduledTier {
  private ScheduledTier() {}

  /** Wraps {@code delegate}, with the same capabilities. */
  static TierStore wrap(
      Scheduler scheduler, String name, TierStore delegate, double failBefore, double failAfter) {
    Faults faults = new Faults(scheduler, name, failBefore, failAfter);
    return new ForwardingTierStore(delegate) {
      @Override
      protected <T> T forward(String method, Supplier<T> call) {
        return faults.call(method, call);
      }

      @Override
      public String kind() {
        return name;
      }

      /** Remote, as the tiers it stands for: a put's HOT copy is then a move of its own. */
      @Override
      public boolean isRemote() {
        return true;
      }
    };
  }

  /** The scheduling and the faults of one wrapper. */
  private static final class Faults {
    private final Scheduler scheduler;
    private final String name;
    private final double failBefore;
    private final double failAfter;

    Faults(Scheduler scheduler, String name, double failBefore, double failAfter) {
      this.scheduler = scheduler;
      this.name = name;
      this.failBefore = failBefore;
      this.failAfter = failAfter;
    }

    <T> T call(String method, Supplier<T> call) {
      if (!scheduler.managed()) {
        return call.get(); // setup and final checks run unscheduled and without faults
      }
      scheduler.pause();
      Random r = scheduler.random();
      double roll = r.nextDouble();
      if (roll < failBefore) {
        throw new IllegalStateException("injected fault in " + name + " " + method);
      }
      T result = call.get();
      if (roll < failBefore + failAfter) {
        scheduler.pause();
        throw new IllegalStateException("injected lost answer from " + name + " " + method);
      }
      return result;
    }
  }
}
