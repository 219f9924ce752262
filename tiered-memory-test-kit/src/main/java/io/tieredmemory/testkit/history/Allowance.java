package io.tieredmemory.testkit.history;

/**
 * What one search may still spend: steps for this key, time until a deadline shared with the
 * searches before it. Reading the clock costs as much as a few steps, so it is read every 1024.
 */
final class Allowance {
  private final long deadline;
  private long stepsLeft;
  private long spent;
  private boolean timedOut;

  Allowance(long deadlineNanos, long steps) {
    this.deadline = deadlineNanos;
    this.stepsLeft = steps;
  }

  /** Takes one step; false when the steps or the time are used up. */
  boolean spend() {
    if (stepsLeft <= 0 || timedOut) {
      return false;
    }
    stepsLeft--;
    spent++;
    if ((spent & 1023) == 0 && System.nanoTime() - deadline > 0) {
      timedOut = true;
      return false;
    }
    return true;
  }

  /** Whether the deadline passed (then every later search would stop at once, too). */
  boolean timedOut() {
    return timedOut || System.nanoTime() - deadline > 0;
  }

  long spent() {
    return spent;
  }
}
