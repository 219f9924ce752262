package io.tieredmemory.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What the history and the durable feed rely on: order, nothing lost but what is counted. */
class BatchWriterTest {
  private final List<List<Integer>> written = new CopyOnWriteArrayList<>();
  private final AtomicBoolean failing = new AtomicBoolean();
  private final AtomicLong dropped = new AtomicLong();

  private BatchWriter<Integer> writer(int capacity, int batch) {
    return new BatchWriter<>(
        "test",
        "batch-writer-test",
        capacity,
        batch,
        10_000, // the thread idles: flush() drives the writes
        items -> {
          if (failing.get()) {
            throw new IllegalStateException("sink down");
          }
          written.add(List.copyOf(items));
        },
        dropped::addAndGet);
  }

  private List<Integer> all() {
    List<Integer> out = new ArrayList<>();
    written.forEach(out::addAll);
    return out;
  }

  @Test
  void flush_writesEverythingOffered_inOrder_inBatches() {
    BatchWriter<Integer> w = writer(100, 3);
    for (int i = 0; i < 7; i++) {
      assertThat(w.offer(i)).isTrue();
    }
    w.flush();
    assertThat(all()).containsExactly(0, 1, 2, 3, 4, 5, 6);
    assertThat(written).allSatisfy(b -> assertThat(b).hasSizeLessThanOrEqualTo(3));
    assertThat(dropped).hasValue(0);
    assertThat(w.close()).isZero();
  }

  @Test
  void aFailedBatch_isKeptAndWrittenFirst_onceTheSinkIsBack() {
    BatchWriter<Integer> w = writer(100, 10);
    w.offer(1);
    w.offer(2);
    failing.set(true);
    assertThatThrownBy(w::flush).hasMessage("sink down");
    w.offer(3);
    failing.set(false);
    w.flush();
    assertThat(all()).containsExactly(1, 2, 3);
    assertThat(dropped).hasValue(0);
    w.close();
  }

  @Test
  void beyondCapacity_itemsAreDroppedAndCounted_neverBlocking() {
    // A batch larger than the queue: no offer wakes the writer's thread, which waits 10 s first,
    // so the queue fills and drains only as this test says (with a batch of 2, the thread woke at
    // the second offer and took two items out: the fourth offer then found room, a flake).
    BatchWriter<Integer> w = writer(3, 4);
    failing.set(true);
    for (int i = 0; i < 3; i++) {
      w.offer(i);
    }
    assertThat(w.offer(99)).isFalse(); // the queue is full
    assertThatThrownBy(w::flush).isInstanceOf(IllegalStateException.class);
    for (int i = 3; i < 6; i++) {
      w.offer(i);
    }
    assertThatThrownBy(w::flush).isInstanceOf(IllegalStateException.class);
    failing.set(false);
    w.flush();
    // Whatever was not written was counted: nothing vanished silently.
    assertThat(all().size() + dropped.get()).isEqualTo(7);
    assertThat(all()).isSorted();
    w.close();
  }

  @Test
  void close_writesWhatIsQueued_thenRefusesAndCounts() {
    BatchWriter<Integer> w = writer(100, 10);
    w.offer(1);
    assertThat(w.close()).isZero();
    assertThat(all()).containsExactly(1);
    assertThat(w.closed()).isTrue();
    assertThat(w.offer(2)).isFalse();
    assertThat(dropped).hasValue(1);
  }

  @Test
  void close_whenTheSinkFails_countsWhatIsLost() {
    BatchWriter<Integer> w = writer(100, 10);
    w.offer(1);
    w.offer(2);
    failing.set(true);
    assertThat(w.close()).isEqualTo(2);
    assertThat(dropped).hasValue(2);
  }
}
