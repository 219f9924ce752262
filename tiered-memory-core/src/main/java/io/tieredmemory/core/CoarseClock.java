package io.tieredmemory.core;

import java.time.Clock;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The wall clock in milliseconds, read from a field a daemon thread refreshes every {@value
 * #TICK_MILLIS} ms. A read hit stamps its access time with it instead of asking the OS (a clock
 * read costs ~20-25 ns, several times a hash lookup). Access times feed idle decisions measured in
 * minutes, so a few milliseconds of lag change nothing. Used only when the store's clock is the
 * system clock; a test clock is always read directly.
 *
 * <p>Each store owns its own (one small thread), started when it is built and stopped when it
 * closes: no state outlives a store.
 */
final class CoarseClock {
  static final long TICK_MILLIS = 4;

  private volatile long millis = System.currentTimeMillis();
  private volatile boolean running = true;
  private final Thread thread;

  private CoarseClock(String storeName) {
    thread =
        new Thread(
            () -> {
              while (running) {
                millis = System.currentTimeMillis();
                LockSupport.parkNanos(TICK_MILLIS * 1_000_000L);
              }
            },
            "tiered-memory-clock-" + storeName);
    thread.setDaemon(true);
    thread.start();
  }

  /** A running clock if {@code clock} is the system clock, else null (read the clock directly). */
  static @Nullable CoarseClock start(Clock clock, String storeName) {
    return clock.getClass() == Clock.systemUTC().getClass() ? new CoarseClock(storeName) : null;
  }

  /** Stops the thread of {@code clock}, if any. */
  static void stop(@Nullable CoarseClock clock) {
    if (clock != null) {
      clock.running = false;
      LockSupport.unpark(clock.thread);
    }
  }

  long millis() {
    return millis;
  }
}
