package io.tieredmemory.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a store starts and stops: its sweeper thread, and the shared coarse clock. */
class StoreLifecycleTest {

  private static boolean threadAlive(String name) {
    Set<Thread> threads = Thread.getAllStackTraces().keySet();
    return threads.stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
  }

  private static void awaitGone(String name) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (threadAlive(name) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(threadAlive(name)).as("thread %s still running", name).isFalse();
  }

  @Test
  void defaultBuilder_schedulesSweeps_andCloseStopsThem() throws Exception {
    // Write-through puts fill HOT; only sweeps bring it back under its capacity.
    assertThat(TieredMemory.Builder.DEFAULT_SWEEP_INTERVAL).isEqualTo(Duration.ofMinutes(1));
    TieredMemory store = TieredMemory.builder("lifecycle-default").discoverObservers(false).build();
    assertThat(threadAlive("tiered-memory-sweeper-lifecycle-default")).isTrue();
    store.close();
    awaitGone("tiered-memory-sweeper-lifecycle-default");
  }

  @Test
  void disableScheduledSweeps_startsNoSweeper() {
    try (TieredMemory store =
        TieredMemory.builder("lifecycle-manual")
            .disableScheduledSweeps()
            .discoverObservers(false)
            .build()) {
      store.put("k", "v");
      assertThat(threadAlive("tiered-memory-sweeper-lifecycle-manual")).isFalse();
    }
  }

  @Test
  void sweepEvery_sweepsInTheBackground() throws Exception {
    try (TieredMemory store =
        TieredMemory.builder("lifecycle-sweeps")
            .clock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC))
            .sweepEvery(Duration.ofMillis(5))
            .policy(io.tieredmemory.core.policy.TieringPolicy.custom().hotCapacity(1).build())
            .discoverObservers(false)
            .build()) {
      for (int i = 0; i < 10; i++) {
        store.put("k" + i, "v");
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (store.stats().tier(Tier.HOT).items() > 1 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(store.stats().tier(Tier.HOT).items()).isEqualTo(1);
    }
  }

  @Test
  void coarseClock_isAThreadOfEachStoreOnTheSystemClock_stoppedByItsClose() throws Exception {
    TieredMemory one =
        TieredMemory.builder("clock-one").disableScheduledSweeps().discoverObservers(false).build();
    TieredMemory manual =
        TieredMemory.builder("clock-manual")
            .clock(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC))
            .disableScheduledSweeps()
            .discoverObservers(false)
            .build();
    assertThat(threadAlive("tiered-memory-clock-clock-one")).isTrue();
    assertThat(threadAlive("tiered-memory-clock-clock-manual"))
        .as("a test clock is read directly")
        .isFalse();
    one.close();
    one.close();
    manual.close();
    awaitGone("tiered-memory-clock-clock-one");
  }
}
