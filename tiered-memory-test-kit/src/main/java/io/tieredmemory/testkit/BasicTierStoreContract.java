package io.tieredmemory.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.StoredMemory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.NullUnmarked;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The first half of {@link TierStoreContract}: its fixture (a fresh store for each test, keys
 * unique to the test) and what one caller sees of upserts and reads, copies and removals. Split out
 * only so that each file stays readable; a backend extends {@link TierStoreContract} (or {@link
 * SearchableTierStoreContract}), which inherits these groups as {@code @Nested} test classes.
 */
// Test code: NullAway does not check it (a null where a memory was expected fails the test).
@NullUnmarked
abstract class BasicTierStoreContract extends StoreUnderTest {
  BasicTierStoreContract() {
    super("c");
  }

  /** A memory with content, no metadata. */
  protected Memory memory(String key, String content, long version) {
    return new Memory(key, content, Map.of(), T0, T0, version);
  }

  /**
   * A copy of {@code key} at {@code version} (content {@code "v<version>"}) with its statistics.
   */
  StoredMemory stored(String key, long version, long accessCount, long lastAccess) {
    return new StoredMemory(memory(key, "v" + version, version), accessCount, lastAccess);
  }

  /** The keys of stored memories, in order. */
  protected static List<String> keysOf(List<StoredMemory> stored) {
    List<String> keys = new ArrayList<>();
    for (StoredMemory s : stored) {
      keys.add(s.key());
    }
    return keys;
  }

  @Nested
  @DisplayName("upserts and reads")
  class Reads {
    @Test
    void read_absent_returnsNull() {
      assertThat(store.read(key("nothing"), T0_MILLIS)).isNull();
      assertThat(store.peek(key("nothing"))).isNull();
    }

    @Test
    void upsert_thenRead_returnsContentAndMetadataExactly() {
      String k = key("exact");
      String content =
          "line 1\nline 2\ttab 😀 é ß 中文 x'; DROP TABLE t;-- redis.call('FLUSHALL') \u0001";
      Map<String, String> meta = Map.of("source", "chat", "emoji", "😀", "quote", "it's \"q\"");
      Memory m = new Memory(k, content, meta, T0, T0, 10);
      StoredMemory written = store.upsert(m, T0_MILLIS);

      Memory read = store.read(k, T0_MILLIS);
      assertThat(read).isNotNull();
      assertThat(read.key()).isEqualTo(k);
      assertThat(read.content()).isEqualTo(content);
      assertThat(read.metadata()).isEqualTo(meta);
      assertThat(read.version()).isEqualTo(written.version()).isEqualTo(10);
      assertThat(read.createdAt()).isEqualTo(T0);
      assertThat(read.updatedAt()).isEqualTo(T0);
    }

    @Test
    void upsert_largeContent_roundTrips() {
      String k = key("large");
      String content = "x".repeat(200_000) + "😀";
      store.upsert(memory(k, content, 1), T0_MILLIS);
      assertThat(store.read(k, T0_MILLIS).content()).isEqualTo(content);
    }

    @Test
    void upsert_existing_assignsGreaterVersionAndKeepsCreatedAt() {
      String k = key("update");
      store.upsert(memory(k, "first", 100), T0_MILLIS);
      Instant later = T0.plusSeconds(60);
      Memory second = new Memory(k, "second", Map.of(), later, later, 50);

      StoredMemory written = store.upsert(second, T0_MILLIS + 60_000);

      assertThat(written.version()).isEqualTo(101);
      Memory read = store.read(k, T0_MILLIS + 60_000);
      assertThat(read.content()).isEqualTo("second");
      assertThat(read.version()).isEqualTo(101);
      assertThat(read.createdAt()).isEqualTo(T0);
      assertThat(read.updatedAt()).isEqualTo(later);
    }

    @Test
    void upsert_proposalAboveExisting_keepsProposedVersion() {
      String k = key("jump");
      store.upsert(memory(k, "a", 5), T0_MILLIS);
      assertThat(store.upsert(memory(k, "b", 500), T0_MILLIS).version()).isEqualTo(500);
    }

    @Test
    void read_recordsAccess_peekDoesNot() {
      String k = key("access");
      store.upsert(memory(k, "a", 1), T0_MILLIS);
      store.read(k, T0_MILLIS + 5_000);
      store.read(k, T0_MILLIS + 7_000);
      store.flush();

      StoredMemory peeked = store.peek(k);
      assertThat(peeked.lastAccessMillis()).isEqualTo(T0_MILLIS + 7_000);
      assertThat(peeked.accessCount()).isEqualTo(2);

      store.peek(k);
      store.flush();
      assertThat(store.peek(k).accessCount()).isEqualTo(2);
    }

    @Test
    void readAll_andPeekAll_leaveOutAbsentKeys() {
      String a = key("a");
      String b = key("b");
      store.upsert(memory(a, "A", 1), T0_MILLIS);
      store.upsert(memory(b, "B", 1), T0_MILLIS);

      Map<String, Memory> read = store.readAll(List.of(a, b, key("missing")), T0_MILLIS + 1);
      assertThat(read).containsOnlyKeys(a, b);
      assertThat(read.get(b).content()).isEqualTo("B");
      assertThat(store.peekAll(List.of(a, key("missing")))).containsOnlyKeys(a);
      assertThat(store.readAll(List.of(), T0_MILLIS)).isEmpty();
    }
  }

  /**
   * Floats a tier must keep exactly: signed zero, subnormals, extremes, and values with no short
   * decimal form.
   */
  static final float[] AWKWARD_FLOATS = {
    0.1f,
    -0.0f,
    1e-45f,
    Float.MIN_NORMAL,
    Float.MAX_VALUE,
    -Float.MAX_VALUE,
    0.33333334f,
    1.0f / 3,
    123456.79f,
    -2.7182817f,
    1e-38f,
    0.0f
  };

  @Nested
  @DisplayName("embeddings")
  class Embeddings {
    private Memory embedded(String k, long version, float[] e) {
      return new Memory(k, "v" + version, Map.of("m", "1"), T0, T0, version, e);
    }

    @Test
    void upsert_keepsTheWritersEmbedding_floatForFloat_inEveryRead() {
      String k = key("emb");
      StoredMemory put = store.upsert(embedded(k, 1, AWKWARD_FLOATS), T0_MILLIS);
      store.flush();

      assertThat(put.memory().embedding()).containsExactly(AWKWARD_FLOATS);
      assertThat(store.read(k, T0_MILLIS + 1).embedding()).containsExactly(AWKWARD_FLOATS);
      assertThat(store.peek(k).memory().embedding()).containsExactly(AWKWARD_FLOATS);
      assertThat(store.readAll(List.of(k), T0_MILLIS + 2).get(k).embedding())
          .containsExactly(AWKWARD_FLOATS);
      assertThat(store.peekAll(List.of(k)).get(k).memory().embedding())
          .containsExactly(AWKWARD_FLOATS);
      assertThat(store.oldestAccessed(T0_MILLIS + 60_000, 1000))
          .filteredOn(s -> s.key().equals(k))
          .singleElement()
          .satisfies(s -> assertThat(s.memory().embedding()).containsExactly(AWKWARD_FLOATS));
    }

    @Test
    void copyIn_keepsTheEmbedding_andAnUpdateWithoutOneDropsIt() {
      String k = key("embcopy");
      float[] e = {1f, 2f, 3f, 4f};
      assertThat(store.copyIn(new StoredMemory(embedded(k, 5, e), 2, T0_MILLIS))).isTrue();
      assertThat(store.peek(k).memory().embedding()).containsExactly(e);
      assertThat(store.peek(k).memory()).isEqualTo(embedded(k, 5, e));

      store.upsert(memory(k, "plain", 6), T0_MILLIS);
      assertThat(store.peek(k).memory().embedding()).isNull();
      assertThat(store.read(k, T0_MILLIS).hasEmbedding()).isFalse();
    }

    @Test
    void aMemoryWrittenWithoutEmbedding_readsWithout() {
      String k = key("noemb");
      store.upsert(memory(k, "text", 1), T0_MILLIS);
      assertThat(store.read(k, T0_MILLIS).embedding()).isNull();
      assertThat(store.peek(k).memory().hasEmbedding()).isFalse();
    }
  }

  @Nested
  @DisplayName("copies")
  class Copies {
    @Test
    void copyIn_absent_storesWithAccessStatistics() {
      String k = key("copy");
      assertThat(store.copyIn(stored(k, 7, 3, T0_MILLIS + 42))).isTrue();
      StoredMemory peeked = store.peek(k);
      assertThat(peeked.version()).isEqualTo(7);
      assertThat(peeked.memory().content()).isEqualTo("v7");
      assertThat(peeked.accessCount()).isEqualTo(3);
      assertThat(peeked.lastAccessMillis()).isEqualTo(T0_MILLIS + 42);
    }

    @Test
    void copyIn_older_isRefused() {
      String k = key("older");
      store.copyIn(stored(k, 9, 0, T0_MILLIS));
      assertThat(store.copyIn(stored(k, 8, 0, T0_MILLIS))).isFalse();
      assertThat(store.peek(k).version()).isEqualTo(9);
      assertThat(store.peek(k).memory().content()).isEqualTo("v9");
    }

    @Test
    void copyIn_sameVersion_isIdempotent() {
      String k = key("same");
      assertThat(store.copyIn(stored(k, 4, 0, T0_MILLIS))).isTrue();
      assertThat(store.copyIn(stored(k, 4, 0, T0_MILLIS))).isTrue();
      assertThat(store.peek(k).version()).isEqualTo(4);
      assertThat(store.count()).isEqualTo(1);
    }

    @Test
    void copyIn_newer_replaces() {
      String k = key("newer");
      store.copyIn(stored(k, 4, 0, T0_MILLIS));
      assertThat(store.copyIn(stored(k, 6, 0, T0_MILLIS))).isTrue();
      assertThat(store.read(k, T0_MILLIS).content()).isEqualTo("v6");
    }
  }

  @Nested
  @DisplayName("removals")
  class Removals {
    @Test
    void removeIfVersion_matching_removes() {
      String k = key("rv");
      store.copyIn(stored(k, 3, 0, T0_MILLIS));
      assertThat(store.removeIfVersion(k, 3)).isTrue();
      assertThat(store.peek(k)).isNull();
      assertThat(store.removeIfVersion(k, 3)).isFalse();
    }

    @Test
    void removeIfVersion_otherVersion_keeps() {
      String k = key("rv2");
      store.copyIn(stored(k, 3, 0, T0_MILLIS));
      assertThat(store.removeIfVersion(k, 2)).isFalse();
      assertThat(store.removeIfVersion(k, 4)).isFalse();
      assertThat(store.peek(k).version()).isEqualTo(3);
    }

    @Test
    void removeIfOlder_removesOnlyOlderCopies() {
      String k = key("ro");
      store.copyIn(stored(k, 5, 0, T0_MILLIS));
      assertThat(store.removeIfOlder(k, 5)).isFalse();
      assertThat(store.removeIfOlder(k, 4)).isFalse();
      assertThat(store.peek(k)).isNotNull();
      assertThat(store.removeIfOlder(k, 6)).isTrue();
      assertThat(store.peek(k)).isNull();
      assertThat(store.removeIfOlder(k, 6)).isFalse();
    }

    @Test
    void removeAllIfOlder_removesExactlyTheStaleOnes() {
      String stale = key("stale");
      String fresh = key("fresh");
      store.copyIn(stored(stale, 2, 0, T0_MILLIS));
      store.copyIn(stored(fresh, 9, 0, T0_MILLIS));

      List<String> removed =
          store.removeAllIfOlder(Map.of(stale, 3L, fresh, 9L, key("absent"), 100L));

      assertThat(removed).containsExactly(stale);
      assertThat(store.peek(stale)).isNull();
      assertThat(store.peek(fresh)).isNotNull();
    }

    @Test
    void remove_presentAndAbsent() {
      String k = key("rm");
      store.upsert(memory(k, "a", 1), T0_MILLIS);
      assertThat(store.remove(k)).isTrue();
      assertThat(store.remove(k)).isFalse();
      assertThat(store.read(k, T0_MILLIS)).isNull();
    }
  }
}
