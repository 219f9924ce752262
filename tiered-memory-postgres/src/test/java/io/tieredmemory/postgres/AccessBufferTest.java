package io.tieredmemory.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class AccessBufferTest {

  @Test
  void drain_sumsCountsAndKeepsTheLatestAccess_sortedByKey() {
    AccessBuffer b = new AccessBuffer(100);
    b.record("b", 5);
    b.record("a", 9);
    b.record("a", 3);
    AccessBuffer.Batch batch = b.drain(10);
    assertThat(batch.keys()).containsExactly("a", "b");
    assertThat(batch.counts()).containsExactly(2L, 1L);
    assertThat(batch.lastAccess()).containsExactly(9L, 5L);
    assertThat(b.size()).isZero();
  }

  @Test
  void drain_takesAtMostMax() {
    AccessBuffer b = new AccessBuffer(100);
    for (int i = 0; i < 10; i++) {
      b.record("k" + i, i);
    }
    assertThat(b.drain(4).size()).isEqualTo(4);
    assertThat(b.size()).isEqualTo(6);
  }

  @Test
  void restore_mergesWithReadsRecordedSince() {
    AccessBuffer b = new AccessBuffer(100);
    b.record("a", 5);
    AccessBuffer.Batch failed = b.drain(10);
    b.record("a", 2);
    b.restore(failed);
    AccessBuffer.Batch again = b.drain(10);
    assertThat(again.counts()).containsExactly(2L);
    assertThat(again.lastAccess()).containsExactly(5L);
  }

  @Test
  void record_beyondMaxKeys_dropsNewKeysButCountsKnownOnes() {
    AccessBuffer b = new AccessBuffer(2);
    b.record("a", 1);
    b.record("b", 1);
    b.record("c", 1);
    b.record("a", 2);
    assertThat(b.size()).isEqualTo(2);
    assertThat(b.dropped()).isEqualTo(1);
    assertThat(b.drain(10).counts()).containsExactly(2L, 1L);
  }

  @Test
  void drain_concurrentWithRecords_losesNothing() throws InterruptedException {
    AccessBuffer b = new AccessBuffer(1_000);
    int threads = 4;
    int each = 20_000;
    AtomicBoolean done = new AtomicBoolean();
    Map<String, Long> total = new HashMap<>();
    Thread[] writers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      writers[t] =
          new Thread(
              () -> {
                for (int i = 0; i < each; i++) {
                  b.record("k" + (i % 7), i);
                }
              });
      writers[t].start();
    }
    Thread drainer =
        new Thread(
            () -> {
              while (!done.get() || b.size() > 0) {
                AccessBuffer.Batch batch = b.drain(3);
                synchronized (total) {
                  for (int i = 0; i < batch.size(); i++) {
                    total.merge(batch.keys()[i], batch.counts()[i], Long::sum);
                  }
                }
              }
            });
    drainer.start();
    for (Thread w : writers) {
      w.join();
    }
    done.set(true);
    drainer.join();
    synchronized (total) {
      assertThat(total.values().stream().mapToLong(Long::longValue).sum())
          .isEqualTo((long) threads * each);
    }
  }
}
