package io.tieredmemory.chroma;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.StoredMemory;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccessBufferTest {
  private final AccessBuffer buffer = new AccessBuffer();

  @Test
  void recordRead_countsAndKeepsLatest() {
    buffer.recordRead("k", 20);
    buffer.recordRead("k", 10);
    buffer.recordTouch("k", 15);
    assertThat(buffer.get("k")).isEqualTo(new AccessBuffer.Pending(2, 20));
  }

  @Test
  void withPending_addsToStoredStatistics() {
    Memory m = new Memory("k", "c", Map.of(), Instant.EPOCH, Instant.EPOCH, 1);
    buffer.recordRead("k", 50);
    assertThat(buffer.withPending(new StoredMemory(m, 3, 70)))
        .isEqualTo(new StoredMemory(m, 4, 70));
    assertThat(buffer.withPending(null)).isNull();
  }

  @Test
  void drain_emptiesAndRestore_mergesBack() {
    buffer.recordRead("a", 1);
    buffer.recordRead("b", 2);
    Map<String, AccessBuffer.Pending> drained = buffer.drain();
    assertThat(drained).containsOnlyKeys("a", "b");
    assertThat(buffer.isEmpty()).isTrue();

    buffer.recordRead("a", 5);
    buffer.restore("a", drained.get("a"));
    assertThat(buffer.get("a")).isEqualTo(new AccessBuffer.Pending(2, 5));
    buffer.discard("a");
    assertThat(buffer.take("a")).isNull();
  }
}
