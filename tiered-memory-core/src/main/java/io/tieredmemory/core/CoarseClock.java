package io.tieredmemory.core;

import java.time.Clock;
import java.util.concurrent.locks.LockSupport;

/**
 * The wall clock in milliseconds, read from a field a daemon thread refreshes every {@value
 * #TICK_MILLIS} ms. A read hit stamps its access time with it instead of asking the OS (a clock
 * read costs ~20-25 ns, several times a hash lookup). Access times feed idle decisions measured in
 * minutes, so a few milliseconds of lag change nothing. Used only when the store's clock is the
 * system clock; a test clock is always read directly.
 */
final class CoarseClock {
  static final long TICK_MILLIS = 4;

  private static volatile CoarseClock instance;

  private volatile long millis = System.currentTimeMillis();

  private CoarseClock() {
    Thread t =
        new Thread(
            () -> {
              while (true) {
                millis = System.currentTimeMillis();
                LockSupport.parkNanos(TICK_MILLIS * 1_000_000L);
              }
            },
            "tiered-memory-coarse-clock");
    t.setDaemon(true);
    t.start();
  }

  /** The shared instance if {@code clock} is the system clock, else null (read it directly). */
  static CoarseClock forClock(Clock clock) {
    if (clock.getClass() != Clock.systemUTC().getClass()) {
      return null;
    }
    CoarseClock c = instance;
    if (c == null) {
      synchronized (CoarseClock.class) {
        c = instance;
        if (c == null) {
          c = new CoarseClock();
          instance = c;
        }
      }
    }
    return c;
  }

  long millis() {
    return millis;
  }
}
