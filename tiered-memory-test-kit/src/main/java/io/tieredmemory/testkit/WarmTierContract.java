package io.tieredmemory.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.HistoryEntry;
import io.tieredmemory.core.KindCount;
import io.tieredmemory.core.Kinds;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.spi.ArchiveDirectory;
import io.tieredmemory.core.spi.HistoryLog;
import io.tieredmemory.core.spi.Location;
import io.tieredmemory.core.spi.ReconcileJournal;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * What a tier must keep to be used as WARM: the {@link ArchiveDirectory} (archived memories leave a
 * mark that only writes see) and the {@link ReconcileJournal}; and, for memories' history, the
 * {@link HistoryLog}. A WARM backend proves it by extending this class (besides {@link
 * TierStoreContract}):
 *
 * <pre>{@code
 * class PostgresWarmTierIT extends WarmTierContract {
 *   private static final DataSource pool = ...; // e.g. a HikariDataSource
 *
 *   protected TierStore createStore() {
 *     return PostgresTierStore.builder(pool)
 *         .table("tm_" + Long.toHexString(System.nanoTime()))
 *         .build();
 *   }
 * }
 * }</pre>
 */
// Test code: NullAway does not check it (a null where a memory was expected fails the test).
@NullUnmarked
public abstract class WarmTierContract extends StoreUnderTest {
  /** For subclasses. */
  protected WarmTierContract() {
    super("w");
  }

  /** A new, empty store with a directory and a journal. Called before each test. */
  @Override
  protected abstract TierStore createStore();

  private ArchiveDirectory directory() {
    return store.directory().orElseThrow();
  }

  private ReconcileJournal journal() {
    return store.journal().orElseThrow();
  }

  private Memory memory(String key, String content, long version) {
    return new Memory(key, content, Map.of("kind", "note"), T0, T0, version);
  }

  /** Stores {@code key} at {@code version} and archives it (COLD is assumed to hold the copy). */
  private void archived(String key, long version) {
    store.upsert(memory(key, "archived " + version, version), T0_MILLIS);
    assertThat(directory().markArchived(Map.of(key, version))).containsExactly(key);
  }

  @Test
  void countByKind_leavesArchiveMarksOut_asCountDoes() {
    Kinds kinds = Kinds.byMetadata("kind");
    long before =
        store.countByKind(kinds).orElseThrow().getOrDefault("note", KindCount.ZERO).items();
    store.upsert(memory(key("held"), "held", 1), T0_MILLIS);
    archived(key("gone"), 1);
    store.flush();
    KindCount notes = store.countByKind(kinds).orElseThrow().get("note");
    assertThat(notes.items()).isEqualTo(before + 1);
    assertThat(store.count()).isEqualTo(before + 1);
  }

  @Test
  void store_hasADirectoryAndAJournal() {
    assertThat(store.directory()).isPresent();
    assertThat(store.journal()).isPresent();
  }

  @Nested
  @DisplayName("the directory")
  class Directory {
    @Test
    void locate_held_returnsTheMemoryAndRecordsAnAccess() {
      String k = key("held");
      store.upsert(memory(k, "here", 3), T0_MILLIS);
      Location l = directory().locate(k, T0_MILLIS + 5_000);
      assertThat(l).isInstanceOf(Location.Held.class);
      assertThat(((Location.Held) l).memory().memory().content()).isEqualTo("here");
      assertThat(l.version()).isEqualTo(3);
      store.flush();
      assertThat(store.peek(k).lastAccessMillis()).isEqualTo(T0_MILLIS + 5_000);
      assertThat(store.peek(k).accessCount()).isEqualTo(1);
    }

    @Test
    void locate_unknownKey_returnsNull() {
      assertThat(directory().locate(key("nothing"), T0_MILLIS)).isNull();
      assertThat(directory().locateAll(List.of(key("nothing")), T0_MILLIS)).isEmpty();
      assertThat(directory().peekLocations(List.of(key("nothing")))).isEmpty();
    }

    @Test
    void markArchived_leavesAMarkOfTheVersion() {
      String k = key("a");
      archived(k, 7);
      assertThat(directory().locate(k, T0_MILLIS)).isEqualTo(new Location.Archived(7));
      assertThat(directory().peekLocations(List.of(k))).containsEntry(k, new Location.Archived(7));
      assertThat(directory().locateAll(List.of(k, key("none")), T0_MILLIS))
          .containsOnlyKeys(k)
          .containsEntry(k, new Location.Archived(7));
    }

    @Test
    void markArchived_onlyTheExactVersion() {
      String k = key("v");
      store.upsert(memory(k, "x", 5), T0_MILLIS);
      assertThat(directory().markArchived(Map.of(k, 4L, key("absent"), 1L))).isEmpty();
      assertThat(store.read(k, T0_MILLIS).content()).isEqualTo("x");
      assertThat(directory().markArchived(Map.of(k, 5L))).containsExactly(k);
      assertThat(directory().markArchived(Map.of(k, 5L))).as("a mark is not a memory").isEmpty();
    }

    @Test
    void marks_areInvisibleToReadsIndexCountsAndConditionalRemovals() {
      String k = key("m");
      String other = key("o");
      store.upsert(memory(other, "kept", 1), T0_MILLIS);
      archived(k, 2);
      store.flush();
      assertThat(store.read(k, T0_MILLIS)).isNull();
      assertThat(store.peek(k)).isNull();
      assertThat(store.readAll(List.of(k, other), T0_MILLIS)).containsOnlyKeys(other);
      assertThat(store.peekAll(List.of(k, other))).containsOnlyKeys(other);
      assertThat(store.touch(k, T0_MILLIS + 1)).isFalse();
      assertThat(store.oldestAccessed(Long.MAX_VALUE, 10))
          .extracting(StoredMemory::key)
          .containsExactly(other);
      assertThat(store.count()).isEqualTo(1);
      assertThat(store.bytes()).isEqualTo(memory(other, "kept", 1).sizeInBytes());
      assertThat(store.removeIfVersion(k, 2)).isFalse();
      assertThat(store.removeIfOlder(k, 100)).isFalse();
      assertThat(directory().locate(k, T0_MILLIS)).isEqualTo(new Location.Archived(2));
    }

    @Test
    void peekLocations_recordsNoAccess() {
      String k = key("p");
      store.upsert(memory(k, "x", 1), T0_MILLIS);
      directory().peekLocations(List.of(k));
      store.flush();
      assertThat(store.peek(k).accessCount()).isZero();
    }
  }

  @Nested
  @DisplayName("writes over a mark")
  class WritesOverAMark {
    @Test
    void upsert_overAMark_storesANewerVersionKeepsCreatedAtAndNotesColdInTheSameStep() {
      String k = key("u");
      archived(k, 10);
      Instant later = T0.plusSeconds(60);
      StoredMemory written =
          store.upsert(new Memory(k, "new", Map.of(), later, later, 3), T0_MILLIS + 60_000);
      assertThat(written.version()).isEqualTo(11);
      assertThat(store.read(k, T0_MILLIS + 60_000).content()).isEqualTo("new");
      assertThat(store.read(k, T0_MILLIS + 60_000).createdAt()).isEqualTo(T0);
      assertThat(journal().notes(Tier.COLD, 100)).containsEntry(k, 10L);
      assertThat(store.count()).isEqualTo(1);
    }

    @Test
    void upsert_ofAKeyNeverArchived_notesNothing() {
      store.upsert(memory(key("n"), "x", 1), T0_MILLIS);
      store.upsert(memory(key("n"), "y", 1), T0_MILLIS);
      assertThat(journal().notes(Tier.COLD, 100)).isEmpty();
    }

    @Test
    void copyIn_ofTheArchivedVersion_replacesTheMark() {
      String k = key("r");
      archived(k, 4);
      StoredMemory copy = new StoredMemory(memory(k, "back", 4), 9, T0_MILLIS + 1);
      assertThat(store.copyIn(copy)).isTrue();
      assertThat(directory().locate(k, T0_MILLIS + 2)).isInstanceOf(Location.Held.class);
      assertThat(store.peek(k).memory().content()).isEqualTo("back");
      assertThat(journal().notes(Tier.COLD, 100)).as("a rehydration notes itself").isEmpty();
    }

    @Test
    void copyIn_olderThanTheMark_isRefused() {
      String k = key("old");
      archived(k, 4);
      assertThat(store.copyIn(new StoredMemory(memory(k, "older", 3), 0, T0_MILLIS))).isFalse();
      assertThat(directory().locate(k, T0_MILLIS)).isEqualTo(new Location.Archived(4));
    }

    @Test
    void remove_ofAMark_returnsTrueAndNotesCold() {
      String k = key("d");
      archived(k, 6);
      assertThat(store.remove(k)).isTrue();
      assertThat(directory().locate(k, T0_MILLIS)).isNull();
      assertThat(journal().notes(Tier.COLD, 100)).containsEntry(k, 6L);
      assertThat(store.remove(k)).isFalse();
    }

    @Test
    void delete_saysWhatWasThere_andNotesOnlyAMark() {
      String marked = key("dmark");
      String held = key("dheld");
      archived(marked, 6);
      store.upsert(memory(held, "x", 2), T0_MILLIS);
      assertThat(directory().delete(marked)).isEqualTo(new Location.Archived(6));
      Location was = directory().delete(held);
      assertThat(was).isInstanceOf(Location.Held.class);
      assertThat(was.version()).isEqualTo(2);
      assertThat(directory().delete(key("none"))).isNull();
      assertThat(directory().locate(marked, T0_MILLIS)).isNull();
      assertThat(directory().locate(held, T0_MILLIS)).isNull();
      assertThat(journal().notes(Tier.COLD, 100)).containsExactly(Map.entry(marked, 6L));
    }

    @Test
    void remove_ofAMemory_notesNothing() {
      String k = key("dm");
      store.upsert(memory(k, "x", 1), T0_MILLIS);
      assertThat(store.remove(k)).isTrue();
      assertThat(journal().notes(Tier.COLD, 100)).isEmpty();
    }

    @Test
    void markAndUpsert_racing_eachKeyEndsAsAMarkOrTheNewVersionNeverBothLost() throws Exception {
      ExecutorService threads = Executors.newFixedThreadPool(2);
      try {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          String k = key("race" + i);
          keys.add(k);
          store.upsert(memory(k, "first", 1), T0_MILLIS);
        }
        List<Callable<Object>> work = new ArrayList<>();
        work.add(
            () -> {
              for (String k : keys) {
                directory().markArchived(Map.of(k, 1L));
              }
              return null;
            });
        work.add(
            () -> {
              for (String k : keys) {
                store.upsert(memory(k, "second", 1), T0_MILLIS);
              }
              return null;
            });
        for (Future<Object> f : threads.invokeAll(work)) {
          f.get(30, TimeUnit.SECONDS);
        }
        Map<String, Long> noted = journal().notes(Tier.COLD, 1000);
        for (String k : keys) {
          // Marked first, the upsert replaced the mark (noting it); upserted first, the mark of
          // version 1 no longer applied. Either way the put's version 2 is what WARM holds.
          Location l = directory().locate(k, T0_MILLIS);
          assertThat(l).as(k).isInstanceOf(Location.Held.class);
          assertThat(((Location.Held) l).memory().memory().content()).isEqualTo("second");
          assertThat(l.version()).isEqualTo(2);
          if (noted.containsKey(k)) {
            assertThat(noted.get(k)).isEqualTo(1L);
          }
        }
      } finally {
        threads.shutdownNow();
      }
    }
  }

  @Nested
  @DisplayName("the journal")
  class Journal {
    @Test
    void note_keepsTheLargerVersion_andTiersApart() {
      String k = key("j");
      journal().note(Tier.COLD, Map.of(k, 5L));
      journal().note(Tier.COLD, Map.of(k, 3L));
      journal().note(Tier.HOT, Map.of(k, 9L));
      assertThat(journal().notes(Tier.COLD, 10)).containsExactly(Map.entry(k, 5L));
      assertThat(journal().notes(Tier.HOT, 10)).containsExactly(Map.entry(k, 9L));
    }

    @Test
    void forget_onlyTheExactVersion() {
      String k = key("f");
      journal().note(Tier.COLD, Map.of(k, 5L));
      journal().forget(Tier.COLD, Map.of(k, 4L));
      assertThat(journal().notes(Tier.COLD, 10)).containsEntry(k, 5L);
      journal().forget(Tier.HOT, Map.of(k, 5L));
      assertThat(journal().notes(Tier.COLD, 10)).containsEntry(k, 5L);
      journal().forget(Tier.COLD, Map.of(k, 5L));
      assertThat(journal().notes(Tier.COLD, 10)).isEmpty();
    }

    @Test
    void notes_respectTheLimit() {
      for (int i = 0; i < 5; i++) {
        journal().note(Tier.COLD, Map.of(key("n" + i), (long) i + 1));
      }
      assertThat(journal().notes(Tier.COLD, 3)).hasSize(3);
      assertThat(journal().notes(Tier.COLD, 10)).hasSize(5);
    }
  }

  private HistoryLog history() {
    return store.history().orElseThrow();
  }

  private static HistoryEntry entry(
      String key, long minutes, HistoryEntry.Kind kind, long version) {
    return new HistoryEntry(
        0,
        key,
        T0.plus(Duration.ofMinutes(minutes)),
        "instance-1",
        kind,
        version,
        null,
        Tier.WARM,
        null,
        "",
        Map.of());
  }

  @Nested
  @DisplayName("the history log")
  class History {
    @Test
    void store_keepsAHistoryLog() {
      assertThat(store.history()).isPresent();
    }

    @Test
    void append_thenRead_roundTripsEveryField_inOrder_withIncreasingIds() {
      String k = key("h");
      HistoryEntry put = entry(k, 0, HistoryEntry.Kind.PUT, 7);
      HistoryEntry moved =
          new HistoryEntry(
              0,
              k,
              T0.plus(Duration.ofMillis(90_061_123)).plusNanos(456_000),
              "host-a:42",
              HistoryEntry.Kind.DEMOTED,
              7,
              Tier.HOT,
              Tier.WARM,
              MoveReason.HOT_CAPACITY,
              "hot over capacity 2 (held 4) \"quoted\" é",
              Map.of(HistoryEntry.Inputs.HOT_HELD, 4L, HistoryEntry.Inputs.HOT_CAPACITY, 2L));
      HistoryEntry evicted =
          new HistoryEntry(
              0,
              k,
              T0.plus(Duration.ofMinutes(3)),
              "host-b:43",
              HistoryEntry.Kind.EVICTED,
              9,
              Tier.COLD,
              null,
              MoveReason.STALE_COPY,
              "a copy warm no longer points to",
              Map.of());
      history().append(List.of(put, moved));
      history().append(List.of(entry(key("other"), 1, HistoryEntry.Kind.PUT, 1)));
      history().append(List.of(evicted));

      List<HistoryEntry> read = history().read(k, 10);
      assertThat(read).hasSize(3);
      assertThat(read).extracting(HistoryEntry::id).isSorted().doesNotHaveDuplicates();
      assertThat(read.get(0).id()).isPositive();
      assertThat(read.get(0)).isEqualTo(put.withId(read.get(0).id()));
      assertThat(read.get(1)).isEqualTo(moved.withId(read.get(1).id()));
      assertThat(read.get(2)).isEqualTo(evicted.withId(read.get(2).id()));
      assertThat(history().read(key("never"), 10)).isEmpty();
    }

    @Test
    void read_givesTheNewestUpToTheLimit_oldestFirst() {
      String k = key("l");
      List<HistoryEntry> batch = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        batch.add(entry(k, i, HistoryEntry.Kind.PUT, i + 1));
      }
      history().append(batch);
      assertThat(history().read(k, 3))
          .extracting(HistoryEntry::version)
          .containsExactly(3L, 4L, 5L);
    }

    @Test
    void pruneOlderThan_removesTheOldest_uptoTheLimit() {
      String a = key("pa");
      String b = key("pb");
      history()
          .append(
              List.of(
                  entry(a, 0, HistoryEntry.Kind.PUT, 1),
                  entry(b, 1, HistoryEntry.Kind.PUT, 1),
                  entry(a, 2, HistoryEntry.Kind.PUT, 2),
                  entry(a, 10, HistoryEntry.Kind.PUT, 3)));
      Instant cutoff = T0.plus(Duration.ofMinutes(5));
      assertThat(history().pruneOlderThan(cutoff, 2)).isEqualTo(2);
      assertThat(history().pruneOlderThan(cutoff, 100)).isEqualTo(1);
      assertThat(history().pruneOlderThan(cutoff, 100)).isZero();
      assertThat(history().read(a, 10)).extracting(HistoryEntry::version).containsExactly(3L);
      assertThat(history().read(b, 10)).isEmpty();
    }

    @Test
    void trim_keepsTheNewestPerKey_ofTheKeysGiven() {
      String a = key("ta");
      String b = key("tb");
      List<HistoryEntry> batch = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        batch.add(entry(a, i, HistoryEntry.Kind.PUT, i + 1));
        batch.add(entry(b, i, HistoryEntry.Kind.PUT, i + 1));
      }
      history().append(batch);
      assertThat(history().trim(List.of(a, key("none")), 2)).isEqualTo(2);
      assertThat(history().read(a, 10)).extracting(HistoryEntry::version).containsExactly(3L, 4L);
      assertThat(history().read(b, 10)).hasSize(4);
      assertThat(history().trim(List.of(a), 2)).isZero();
    }
  }
}
