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
    TieredMemory store = TieredMemory.builder("lifecycle-default").autoDiscover(false).build();
    assertThat(threadAlive("tiered-memory-sweeper-lifecycle-default")).isTrue();
    store.close();
    awaitGone("tiered-memory-sweeper-lifecycle-default");
  }

  @Test
  void disableScheduledSweeps_startsNoSweeper() {
    try (TieredMemory store =
        TieredMemory.builder("lifecycle-manual")
            .disableScheduledSweeps()
            .autoDiscover(false)
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
            .autoDiscover(false)
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
  void coarseClock_isReleasedByEveryStoreOnClose_andStopsWithTheLast() throws Exception {
    int before = CoarseClock.users(); // stores other tests left open, if any
    TieredMemory one =
        TieredMemory.builder("clock-one").disableScheduledSweeps().autoDiscover(false).build();
    TieredMemory two =
        TieredMemory.builder("clock-two").disableScheduledSweeps().autoDiscover(false).build();
    TieredMemory manual =
        TieredMemory.builder("clock-manual")
            .clock(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC))
            .disableScheduledSweeps()
            .autoDiscover(false)
            .build();
    assertThat(CoarseClock.users())
        .as("only stores on the system clock use it")
        .isEqualTo(before + 2);
    assertThat(threadAlive("tiered-memory-coarse-clock")).isTrue();
    one.close();
    one.close();
    assertThat(CoarseClock.users()).as("a second close releases nothing").isEqualTo(before + 1);
    two.close();
    manual.close();
    assertThat(CoarseClock.users()).isEqualTo(before);
    if (before == 0) {
      awaitGone("tiered-memory-coarse-clock");
    }
  }
}
