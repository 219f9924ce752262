package io.tieredmemory.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that moves only when told, so a benchmark decides exactly which memories are idle. Set
 * from the benchmark thread between invocations only.
 */
final class BenchClock extends Clock {
  /** A fixed origin, so data cached in a server between forks keeps meaning the same thing. */
  static final Instant ORIGIN = Instant.parse("2030-01-01T00:00:00Z");

  private volatile Instant now;

  BenchClock(Instant start) {
    this.now = start;
  }

  void advance(Duration d) {
    now = now.plus(d);
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public long millis() {
    return now.toEpochMilli();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("BenchClock is always UTC");
  }
}
