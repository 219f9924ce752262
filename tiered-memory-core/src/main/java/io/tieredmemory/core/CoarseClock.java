package io.tieredmemory.core;

import java.time.Clock;
import java.util.concurrent.locks.LockSupport;

/**
 * The wall clock in milliseconds, read from a field a daemon thread refreshes every {@value
 * #TICK_MILLIS} ms. A read hit stamps its access time with it instead of asking the OS (a clock
 * read costs ~20-25 ns, several times a hash lookup). Access times feed idle decisions measured in
 * minutes, so a few milliseconds of lag change nothing. Used only when the store's clock is the
 * system clock; a test clock is always read directly.
 *
 * <p>One instance serves every open store of the JVM (one thread, however many stores): stores
 * {@link #acquire} it when built and {@link #release} it when closed, and the thread stops when the
 * last one is released.
 */
final class CoarseClock {
  static final long TICK_MILLIS = 4;

  private static CoarseClock instance; // guarded by CoarseClock.class
  private static int users; // guarded by CoarseClock.class

  private volatile long millis = System.currentTimeMillis();
  private volatile boolean running = true;
  private final Thread thread;

  private CoarseClock() {
    thread =
        new Thread(
            () -> {
              while (running) {
                millis = System.currentTimeMillis();
                LockSupport.parkNanos(TICK_MILLIS * 1_000_000L);
              }
            },
            "tiered-memory-coarse-clock");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * The shared instance if {@code clock} is the system clock (started if no store holds it), else
   * null (read the clock directly). Each non-null result must be {@link #release}d once.
   */
  static CoarseClock acquire(Clock clock) {
    if (clock.getClass() != Clock.systemUTC().getClass()) {
      return null;
    }
    synchronized (CoarseClock.class) {
      if (instance == null) {
        instance = new CoarseClock();
      }
      users++;
      return instance;
    }
  }

  /** Gives back what {@link #acquire} returned; the last release stops the thread. */
  static void release(CoarseClock clock) {
    if (clock == null) {
      return;
    }
    synchronized (CoarseClock.class) {
      if (clock != instance || users == 0) {
        return;
      }
      if (--users == 0) {
        instance = null;
        clock.running = false;
        LockSupport.unpark(clock.thread);
      }
    }
  }

  /** How many open stores hold the shared instance (for tests). */
  static int users() {
    synchronized (CoarseClock.class) {
      return users;
    }
  }

  long millis() {
    return millis;
  }
}
