package io.tieredmemory.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that moves only when told: policy tests step through time exactly.
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
 * TieredMemory store = TieredMemory.builder("test").clock(clock).build();
 * clock.advance(Duration.ofMinutes(31));
 * }</pre>
 */
public final class ManualClock extends Clock {
  private final AtomicReference<Instant> now;

  /** Starts at {@code start}. */
  public ManualClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  /** Starts at 2026-01-01T00:00:00Z. */
  public ManualClock() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  /** Moves forward by {@code d} (must not be negative). */
  public void advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("d must not be negative, was " + d);
    }
    now.updateAndGet(t -> t.plus(d));
  }

  @Override
  public Instant instant() {
    return Objects.requireNonNull(now.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("ManualClock is always UTC");
  }
}
