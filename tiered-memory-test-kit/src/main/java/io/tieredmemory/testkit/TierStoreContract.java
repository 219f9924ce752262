package io.tieredmemory.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tieredmemory.core.KindCount;
import io.tieredmemory.core.Kinds;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.NullUnmarked;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link TierStore} keeps. A backend proves it by extending this class and
 * saying how to make a fresh, empty store:
 *
 * <pre>{@code
 * class RedisTierStoreIT extends TierStoreContract {
 *   private static final RedisClient client = RedisClient.create("redis://127.0.0.1:6379");
 *
 *   protected TierStore createStore() {
 *     return RedisTierStore.builder(client).prefix("it:" + UUID.randomUUID() + ":").build();
 *   }
 * }
 * }</pre>
 *
 * <p>Each test gets a new store from {@link #createStore()} and closes it afterwards. Keys are
 * prefixed per test so stores sharing a server do not see each other's keys.
 *
 * <p>The tests are grouped in {@code @Nested} classes, shown by their display names in reports:
 * "upserts and reads", "copies" and "removals" (inherited from {@code BasicTierStoreContract}, the
 * first half of this contract), then "batch moves", "the access index", "sizes" and "concurrent
 * callers" here.
 */
// Test code: NullAway does not check it (a null where a memory was expected fails the test).
@NullUnmarked
public abstract class TierStoreContract extends BasicTierStoreContract {

  @Nested
  @DisplayName("batch moves")
  class BatchMoves {
    @Test
    void copyAllIn_mixedAbsentOlderEqualNewer_storesExactlyThoseNotNewer() {
      String absent = key("b-absent");
      String older = key("b-older");
      String equal = key("b-equal");
      String newer = key("b-newer");
      store.copyIn(stored(older, 5, 1, T0_MILLIS));
      store.copyIn(stored(equal, 4, 1, T0_MILLIS));
      store.copyIn(stored(newer, 9, 1, T0_MILLIS));

      List<String> copied =
          store.copyAllIn(
              List.of(
                  stored(absent, 3, 2, T0_MILLIS + 11),
                  stored(older, 7, 3, T0_MILLIS + 12),
                  stored(equal, 4, 4, T0_MILLIS + 13),
                  stored(newer, 8, 5, T0_MILLIS + 14)));

      assertThat(copied).containsExactlyInAnyOrder(absent, older, equal);
      assertStored(absent, 3, 2, T0_MILLIS + 11);
      assertStored(older, 7, 3, T0_MILLIS + 12);
      assertStored(equal, 4, 4, T0_MILLIS + 13);
      assertThat(store.peek(newer).version()).isEqualTo(9);
      assertThat(store.peek(newer).memory().content()).isEqualTo("v9");
      assertThat(store.count()).isEqualTo(4);
    }

    @Test
    void copyAllIn_emptyBatch_storesNothing() {
      assertThat(store.copyAllIn(List.of())).isEmpty();
      assertThat(store.removeAllIfVersion(Map.of())).isEmpty();
    }

    @Test
    void copyAllIn_repeatedKey_isRejectedBeforeAnythingIsWritten() {
      String other = key("b-other");
      String twice = key("b-twice");
      assertThatThrownBy(
              () ->
                  store.copyAllIn(
                      List.of(
                          stored(other, 1, 0, T0_MILLIS),
                          stored(twice, 1, 0, T0_MILLIS),
                          stored(twice, 2, 0, T0_MILLIS))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(twice);
      assertThat(store.peek(other)).isNull();
      assertThat(store.peek(twice)).isNull();
    }

    @Test
    void copyAllIn_racingNewerWrites_neverReplacesANewerVersion() throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        for (int i = 0; i < 20; i++) {
          String a = key("cr-a" + i);
          String b = key("cr-b" + i);
          Future<List<String>> copier =
              pool.submit(
                  () ->
                      store.copyAllIn(
                          List.of(stored(a, 50, 0, T0_MILLIS), stored(b, 50, 0, T0_MILLIS))));
          Future<StoredMemory> writer =
              pool.submit(() -> store.upsert(memory(a, "new", 100), T0_MILLIS));
          List<String> copied = copier.get();
          long written = writer.get().version();
          StoredMemory now = store.peek(a);
          assertThat(now.version())
              .as("%s after the race (copied=%s)", a, copied)
              .isEqualTo(written);
          assertThat(now.memory().content()).isEqualTo("new");
          assertThat(store.peek(b).version()).isEqualTo(50);
        }
      } finally {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
      }
    }

    @Test
    void removeAllIfVersion_removesExactlyTheKeysHoldingTheirVersion() {
      String match = key("rv-match");
      String older = key("rv-older");
      String newer = key("rv-newer");
      String other = key("rv-other");
      store.copyIn(stored(match, 3, 0, T0_MILLIS));
      store.copyIn(stored(older, 3, 0, T0_MILLIS));
      store.copyIn(stored(newer, 5, 0, T0_MILLIS));
      store.copyIn(stored(other, 7, 0, T0_MILLIS));

      // other's expected version (5) is the version newer holds, and newer's (7) the one other
      // holds: a removal matching versions across keys instead of per key would take both.
      List<String> removed =
          store.removeAllIfVersion(
              Map.of(match, 3L, older, 4L, newer, 7L, other, 5L, key("rv-absent"), 3L));

      assertThat(removed).containsExactly(match);
      assertThat(store.peek(match)).isNull();
      assertThat(store.peek(older).version()).isEqualTo(3);
      assertThat(store.peek(newer).version()).isEqualTo(5);
      assertThat(store.peek(other).version()).isEqualTo(7);
      assertThat(store.removeAllIfVersion(Map.of(match, 3L))).isEmpty();
    }

    @Test
    void removeAllIfVersion_racingNewerWrites_neverRemovesANewerWrite() throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        for (int i = 0; i < 30; i++) {
          String a = key("rr-a" + i);
          String b = key("rr-b" + i);
          store.copyIn(stored(a, 1, 0, T0_MILLIS));
          store.copyIn(stored(b, 2, 0, T0_MILLIS));
          // The write gives a version 2: the version the same batch removes for b.
          Future<List<String>> remover =
              pool.submit(() -> store.removeAllIfVersion(Map.of(a, 1L, b, 2L)));
          Future<StoredMemory> writer =
              pool.submit(() -> store.upsert(memory(a, "new", 1), T0_MILLIS));
          List<String> removed = remover.get();
          long written = writer.get().version();
          StoredMemory now = store.peek(a);
          assertThat(now).as("the newer write of %s survives (removed=%s)", a, removed).isNotNull();
          assertThat(now.version()).isEqualTo(written);
          assertThat(now.memory().content()).isEqualTo("new");
          assertThat(store.peek(b)).isNull();
          assertThat(removed).contains(b);
        }
      } finally {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
      }
    }
  }

  @Nested
  @DisplayName("the access index")
  class AccessIndex {
    @Test
    void touch_raisesLastAccessButNeverLowersIt() {
      String k = key("touch");
      store.upsert(memory(k, "a", 1), T0_MILLIS + 10_000);
      assertThat(store.touch(k, T0_MILLIS + 20_000)).isTrue();
      store.flush();
      assertThat(store.peek(k).lastAccessMillis()).isEqualTo(T0_MILLIS + 20_000);
      assertThat(store.touch(k, T0_MILLIS)).isTrue();
      store.flush();
      assertThat(store.peek(k).lastAccessMillis()).isEqualTo(T0_MILLIS + 20_000);
      assertThat(store.touch(key("absent"), T0_MILLIS)).isFalse();
    }

    @Test
    void oldestAccessed_returnsIdleOnesOldestFirst_withinCutoffAndLimit() {
      // Last accesses 10 s apart, written out of order.
      int[] order = {3, 0, 4, 1, 2};
      for (int i : order) {
        store.upsert(memory(key("m" + i), "c" + i, 1), T0_MILLIS + i * 10_000L);
      }
      store.flush();

      List<StoredMemory> idle = store.oldestAccessed(T0_MILLIS + 25_000, 10);
      assertThat(keysOf(idle)).containsExactly(key("m0"), key("m1"), key("m2"));

      List<StoredMemory> limited = store.oldestAccessed(T0_MILLIS + 25_000, 2);
      assertThat(keysOf(limited)).containsExactly(key("m0"), key("m1"));

      List<StoredMemory> lru = store.oldestAccessed(Long.MAX_VALUE, 5);
      assertThat(keysOf(lru))
          .containsExactly(key("m0"), key("m1"), key("m2"), key("m3"), key("m4"));
      assertThat(lru.get(0).lastAccessMillis()).isEqualTo(T0_MILLIS);
    }

    @Test
    void oldestAccessed_followsReads() {
      store.upsert(memory(key("a"), "a", 1), T0_MILLIS);
      store.upsert(memory(key("b"), "b", 1), T0_MILLIS + 1_000);
      store.read(key("a"), T0_MILLIS + 60_000);
      store.flush();

      assertThat(keysOf(store.oldestAccessed(Long.MAX_VALUE, 2)))
          .containsExactly(key("b"), key("a"));
      assertThat(keysOf(store.oldestAccessed(T0_MILLIS + 30_000, 10))).containsExactly(key("b"));
    }

    @Test
    void oldestAccessed_forgetsRemovedMemories() {
      store.upsert(memory(key("gone"), "a", 1), T0_MILLIS);
      store.upsert(memory(key("kept"), "b", 1), T0_MILLIS);
      store.remove(key("gone"));
      assertThat(keysOf(store.oldestAccessed(Long.MAX_VALUE, 10))).containsExactly(key("kept"));
    }
  }

  @Nested
  @DisplayName("sizes")
  class Sizes {
    @Test
    void countAndBytes_followWritesAndRemovals() {
      long items = store.count();
      long bytes = store.bytes();
      store.upsert(memory(key("s1"), "12345", 1), T0_MILLIS);
      store.upsert(memory(key("s2"), "😀", 1), T0_MILLIS);
      store.flush();
      assertThat(store.count()).isEqualTo(items + 2);
      long added = key("s1").length() + 5 + key("s2").length() + 4;
      assertThat(store.bytes()).isEqualTo(bytes + added);

      store.remove(key("s1"));
      store.flush();
      assertThat(store.count()).isEqualTo(items + 1);
      assertThat(store.bytes()).isEqualTo(bytes + key("s2").length() + 4);
    }
  }

  /**
   * Whether this backend counts by kind ({@link TierStore#countByKind} present). True by default; a
   * backend that does not returns false, and the "kinds" group checks it answers empty.
   */
  protected boolean countsByKind() {
    return true;
  }

  @Nested
  @DisplayName("kinds")
  class KindCounts {
    private Memory withMetadata(String key, String content, Map<String, String> metadata) {
      return new Memory(key, content, metadata, T0, T0, 1);
    }

    @Test
    void countByKind_byMetadataField_countsEachValueExactly() {
      Kinds kinds = Kinds.byMetadata("kind");
      if (!countsByKind()) {
        assertThat(store.countByKind(kinds)).isEmpty();
        return;
      }
      String a = key("alpha");
      String b = key("beta");
      KindCount noneBefore =
          store.countByKind(kinds).orElseThrow().getOrDefault("", KindCount.ZERO);
      List<Memory> written =
          List.of(
              withMetadata(key("k1"), "one", Map.of("kind", a)),
              withMetadata(key("k2"), "two 😀", Map.of("kind", a, "other", "x\u0000y")),
              withMetadata(key("k3"), "three", Map.of("kind", a, "source", "chat")),
              withMetadata(key("k4"), "four", Map.of("kind", b)),
              withMetadata(key("k5"), "five", Map.of("source", "no kind")),
              withMetadata(key("k6"), "six", Map.of()));
      for (Memory m : written) {
        store.upsert(m, T0_MILLIS);
      }
      store.flush();
      Map<String, KindCount> counts = store.countByKind(kinds).orElseThrow();
      assertThat(counts.get(a)).isEqualTo(sizes(written.subList(0, 3)));
      assertThat(counts.get(b)).isEqualTo(sizes(written.subList(3, 4)));
      assertThat(counts.get("")).isEqualTo(noneBefore.plus(sizes(written.subList(4, 6))));

      store.remove(key("k1"));
      store.upsert(withMetadata(key("k4"), "four, now alpha", Map.of("kind", a)), T0_MILLIS + 1);
      store.flush();
      Map<String, KindCount> after = store.countByKind(kinds).orElseThrow();
      assertThat(after.get(a))
          .isEqualTo(
              sizes(
                  List.of(
                      written.get(1),
                      written.get(2),
                      withMetadata(key("k4"), "four, now alpha", Map.of("kind", a)))));
      assertThat(after).doesNotContainKey(b);
    }

    @Test
    void countByKind_byKeyPrefix_countsEachPrefixExactly() {
      Kinds kinds = Kinds.byKeyPrefix("/");
      if (!countsByKind()) {
        assertThat(store.countByKind(kinds)).isEmpty();
        return;
      }
      List<Memory> docs =
          List.of(
              withMetadata(key("doc/1"), "d1", Map.of("kind", "ignored")),
              withMetadata(key("doc/2/x"), "d2", Map.of()));
      Memory chat = withMetadata(key("chat/1"), "c1", Map.of());
      for (Memory m : docs) {
        store.upsert(m, T0_MILLIS);
      }
      store.copyIn(new StoredMemory(chat, 0, T0_MILLIS));
      store.flush();
      Map<String, KindCount> counts = store.countByKind(kinds).orElseThrow();
      assertThat(counts.get(key("doc"))).isEqualTo(sizes(docs));
      assertThat(counts.get(key("chat"))).isEqualTo(sizes(List.of(chat)));
      long items = counts.values().stream().mapToLong(KindCount::items).sum();
      long bytes = counts.values().stream().mapToLong(KindCount::bytes).sum();
      assertThat(items).isEqualTo(store.count());
      assertThat(bytes).isEqualTo(store.bytes());
    }

    private KindCount sizes(List<Memory> memories) {
      long bytes = 0;
      for (Memory m : memories) {
        bytes += m.sizeInBytes();
      }
      return new KindCount(memories.size(), bytes);
    }
  }

  @Nested
  @DisplayName("concurrent callers")
  class Concurrency {
    @Test
    void upsert_concurrentWritersOfOneKey_getDistinctIncreasingVersions() throws Exception {
      String k = key("race");
      int threads = 4;
      int writesEach = 50;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Callable<List<Long>>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int id = t;
          tasks.add(
              () -> {
                List<Long> versions = new ArrayList<>();
                for (int i = 0; i < writesEach; i++) {
                  versions.add(store.upsert(memory(k, id + ":" + i, 1), T0_MILLIS).version());
                }
                return versions;
              });
        }
        Set<Long> all = new HashSet<>();
        long max = 0;
        for (Future<List<Long>> f : pool.invokeAll(tasks)) {
          List<Long> mine = f.get();
          assertThat(mine).isSorted();
          all.addAll(mine);
          max = Math.max(max, mine.get(mine.size() - 1));
        }
        assertThat(all).hasSize(threads * writesEach);
        assertThat(store.peek(k).version()).isEqualTo(max);
      } finally {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
      }
    }

    @Test
    void removeIfVersion_racingANewerWrite_neverRemovesTheNewerWrite() throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        for (int i = 0; i < 50; i++) {
          String k = key("rr" + i);
          store.copyIn(stored(k, 1, 0, T0_MILLIS));
          Future<Boolean> remover = pool.submit(() -> store.removeIfVersion(k, 1));
          Future<StoredMemory> writer =
              pool.submit(() -> store.upsert(memory(k, "new", 1), T0_MILLIS));
          boolean removed = remover.get();
          long written = writer.get().version();
          StoredMemory now = store.peek(k);
          assertThat(now).as("the newer write of %s survives (removed=%s)", k, removed).isNotNull();
          assertThat(now.version()).isEqualTo(written);
          assertThat(now.memory().content()).isEqualTo("new");
        }
      } finally {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
      }
    }
  }

  private void assertStored(String key, long version, long accessCount, long lastAccess) {
    StoredMemory s = store.peek(key);
    assertThat(s).as(key).isNotNull();
    assertThat(s.version()).as("version of %s", key).isEqualTo(version);
    assertThat(s.memory().content()).isEqualTo("v" + version);
    assertThat(s.memory().createdAt()).isEqualTo(T0);
    assertThat(s.accessCount()).as("access count of %s", key).isEqualTo(accessCount);
    assertThat(s.lastAccessMillis()).as("last access of %s", key).isEqualTo(lastAccess);
  }
}
