package io.tieredmemory.chroma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StripedLocksTest {
  @Test
  void constructor_notPowerOfTwo_isRejected() {
    assertThatThrownBy(() -> new StripedLocks(6)).hasMessage("count must be a power of two, was 6");
  }

  @Test
  void lockAll_inOpposingOrders_neverDeadlocks() throws Exception {
    StripedLocks locks = new StripedLocks(8);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      keys.add("key" + i);
    }
    List<String> reversed = new ArrayList<>(keys);
    Collections.reverse(reversed);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (List<String> order : List.of(keys, reversed)) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 2_000; i++) {
                    try (StripedLocks.Held held = locks.lockAll(order)) {
                      Thread.onSpinWait();
                    }
                  }
                }));
      }
      futures.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 2_000; i++) {
                  try (StripedLocks.Held held = locks.lock(keys.get(i % keys.size()))) {
                    Thread.onSpinWait();
                  }
                }
              }));
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(locks.stripe("key1")).isBetween(0, 7);
  }
}
