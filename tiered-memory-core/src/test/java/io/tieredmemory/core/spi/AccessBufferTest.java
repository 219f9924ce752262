package io.tieredmemory.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tieredmemory.core.Memory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** What a backend relies on from the shared access-statistics buffer. */
class AccessBufferTest {
  private final List<List<AccessBuffer.Pending>> written = new ArrayList<>();

  private AccessBuffer manual(int batchSize, int maxKeys) {
    return AccessBuffer.manual("test", batchSize, maxKeys, b -> written.add(List.copyOf(b)));
  }

  @Test
  void flush_writesCountsAndTheLatestAccess_keysInOrder() {
    AccessBuffer b = manual(10, 100);
    b.recordRead("b", 5);
    b.recordRead("a", 9);
    b.recordRead("a", 3);
    b.recordTouch("c", 7);
    b.flush();
    assertThat(written)
        .containsExactly(
            List.of(
                new AccessBuffer.Pending("a", 2, 9),
                new AccessBuffer.Pending("b", 1, 5),
                new AccessBuffer.Pending("c", 0, 7)));
    assertThat(b.size()).isZero();
    b.flush();
    assertThat(written).hasSize(1);
  }

  @Test
  void flush_writesInBatchesOfAtMostBatchSize() {
    AccessBuffer b = manual(4, 100);
    for (int i = 0; i < 10; i++) {
      b.recordRead("k" + i, i);
    }
    b.flush();
    assertThat(written).extracting(List::size).containsExactly(4, 4, 2);
  }

  @Test
  void failedWrite_keepsTheBatch_mergedWithReadsSince_andThrows() {
    AtomicBoolean fail = new AtomicBoolean(true);
    AccessBuffer b =
        AccessBuffer.manual(
            "test",
            10,
            100,
            batch -> {
              if (fail.get()) {
                throw new IllegalStateException("down");
              }
              written.add(List.copyOf(batch));
            });
    b.recordRead("a", 5);
    assertThatThrownBy(b::flush).hasMessage("down");
    b.recordRead("a", 2);
    fail.set(false);
    b.flush();
    assertThat(written).containsExactly(List.of(new AccessBuffer.Pending("a", 2, 5)));
  }

  @Test
  void beyondMaxKeys_newKeysAreDroppedAndCounted_knownKeysStillCount() {
    AccessBuffer b = manual(10, 2);
    b.recordRead("a", 1);
    b.recordRead("b", 1);
    b.recordRead("c", 1);
    b.recordRead("a", 2);
    assertThat(b.size()).isEqualTo(2);
    assertThat(b.dropped()).isEqualTo(1);
    b.flush();
    assertThat(written.get(0))
        .containsExactly(new AccessBuffer.Pending("a", 2, 2), new AccessBuffer.Pending("b", 1, 1));
  }

  @Test
  void withPending_addsThisProcessReadsToStoredStatistics() {
    AccessBuffer b = manual(10, 100);
    Memory m = new Memory("k", "c", Map.of(), Instant.EPOCH, Instant.EPOCH, 1);
    b.recordRead("k", 50);
    assertThat(b.withPending(new StoredMemory(m, 3, 70))).isEqualTo(new StoredMemory(m, 4, 70));
    b.recordRead("k", 90);
    assertThat(b.withPending(new StoredMemory(m, 3, 70))).isEqualTo(new StoredMemory(m, 5, 90));
    assertThat(b.withPending(null)).isNull();
  }

  @Test
  void takeRestoreDiscard_letABackendFoldStatisticsIntoItsOwnWrite() {
    AccessBuffer b = manual(10, 100);
    b.recordRead("a", 1);
    AccessBuffer.Pending taken = b.take("a");
    assertThat(taken).isEqualTo(new AccessBuffer.Pending("a", 1, 1));
    assertThat(b.take("a")).isNull();
    b.recordRead("a", 5);
    b.restore(taken);
    b.restore(null);
    assertThat(b.take("a")).isEqualTo(new AccessBuffer.Pending("a", 2, 5));
    b.recordRead("d", 1);
    b.discard("d");
    assertThat(b.size()).isZero();
  }

  @Test
  void flushConcurrentWithReads_losesNoRead() throws InterruptedException {
    Map<String, Long> total = new HashMap<>();
    AccessBuffer b =
        AccessBuffer.manual(
            "test",
            3,
            1_000,
            batch -> {
              synchronized (total) {
                batch.forEach(p -> total.merge(p.key(), p.reads(), Long::sum));
              }
            });
    int threads = 4;
    int each = 20_000;
    AtomicBoolean done = new AtomicBoolean();
    Thread[] readers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      readers[t] =
          new Thread(
              () -> {
                for (int i = 0; i < each; i++) {
                  b.recordRead("k" + (i % 7), i);
                }
              });
      readers[t].start();
    }
    Thread flusher =
        new Thread(
            () -> {
              while (!done.get() || b.size() > 0) {
                b.flush();
              }
            });
    flusher.start();
    for (Thread r : readers) {
      r.join();
    }
    done.set(true);
    flusher.join();
    synchronized (total) {
      assertThat(total.values().stream().mapToLong(Long::longValue).sum())
          .isEqualTo((long) threads * each);
    }
  }

  @Test
  void started_flushesOnItsThread_andCloseWritesWhatIsLeftAndStopsIt() throws Exception {
    CountDownLatch wrote = new CountDownLatch(1);
    List<AccessBuffer.Pending> seen = new ArrayList<>();
    AccessBuffer b =
        AccessBuffer.start(
            "started",
            Duration.ofMillis(20),
            10,
            batch -> {
              synchronized (seen) {
                seen.addAll(batch);
              }
              wrote.countDown();
            });
    b.recordRead("a", 1);
    assertThat(wrote.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(threadNamed("tiered-memory-access-started")).isTrue();
    b.close();
    b.recordRead("b", 2);
    b.close();
    assertThat(threadNamed("tiered-memory-access-started")).isFalse();
    synchronized (seen) {
      assertThat(seen).containsExactly(new AccessBuffer.Pending("a", 1, 1));
    }
  }

  @Test
  void start_rejectsBadArguments_namingThem() {
    assertThatThrownBy(() -> AccessBuffer.start("x", Duration.ZERO, 1, b -> {}))
        .hasMessageContaining("interval");
    assertThatThrownBy(() -> AccessBuffer.start("x", Duration.ofSeconds(1), 0, b -> {}))
        .hasMessageContaining("batchSize must be >= 1, was 0");
  }

  private static boolean threadNamed(String name) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      boolean found =
          Thread.getAllStackTraces().keySet().stream()
              .anyMatch(t -> t.getName().equals(name) && t.isAlive());
      if (!found) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }
}
