package io.tieredmemory.chroma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tieredmemory.chroma.ChromaClient.Include;
import io.tieredmemory.chroma.ChromaClient.Row;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.ScoredMemory;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.testkit.SearchableTierStoreContract;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The contract kit, plus Chroma-specific behaviour, against the real server in TM_CHROMA_URL. */
class ChromaTierStoreIT extends SearchableTierStoreContract {
  private static final long HLC_VERSION = 1_800_000_000_000_001L;

  private final List<String> collections = new ArrayList<>();
  private final List<ChromaTierStore> extraStores = new ArrayList<>();

  @Override
  protected TierStore createStore() {
    return newStore(ChromaTierStore.builder(ChromaTestSupport.chromaUrl(), embedder()));
  }

  private ChromaTierStore newStore(ChromaTierStore.Builder builder) {
    String name = ChromaTestSupport.uniqueCollection("tm-store-it");
    collections.add(name);
    return builder.collection(name).accessFlushInterval(Duration.ofHours(1)).build();
  }

  private DefaultChromaTierStore chroma() {
    return internals(store);
  }

  /** The implementation behind a store this test built, for its client and collection id. */
  private static DefaultChromaTierStore internals(TierStore s) {
    return (DefaultChromaTierStore) s;
  }

  @AfterEach
  void deleteCollections() {
    // Closed here first (the kit closes it again, a no-op) so the final flush finds the collection.
    store.close();
    extraStores.forEach(ChromaTierStore::close);
    ChromaClient client =
        ChromaTestSupport.client(ChromaTestSupport.chromaUrl(), Duration.ofSeconds(10));
    collections.forEach(name -> ChromaTestSupport.deleteQuietly(client, name));
  }

  @Test
  void read_isOneHttpCall_hitOrMiss() {
    String k = key("one-call");
    store.upsert(memory(k, "content", 1), T0_MILLIS);
    ChromaClient client = chroma().client();

    long before = client.requestCount();
    assertThat(store.read(k, T0_MILLIS + 1)).isNotNull();
    assertThat(client.requestCount() - before).isEqualTo(1);

    before = client.requestCount();
    assertThat(store.read(key("absent"), T0_MILLIS + 1)).isNull();
    assertThat(client.requestCount() - before).isEqualTo(1);

    before = client.requestCount();
    assertThat(store.peek(k).accessCount()).isEqualTo(1); // unflushed read counted
    assertThat(client.requestCount() - before).isEqualTo(1);
  }

  @Test
  void build_isAChromaTierStoreNamingItsCollection_alwaysSearchable() {
    ChromaTierStore s = (ChromaTierStore) store;
    assertThat(s.collection()).startsWith("tm-store-it-");
    assertThat(s.kind()).isEqualTo("chroma");
    assertThat(s.vectorSearch()).isPresent();
    assertThat(s.directory()).isEmpty();
    assertThat(s.journal()).isEmpty();
  }

  @Test
  void upsert_foldsBufferedReadsIntoItsWrite_soAFlushDoesNotCountThemTwice() {
    String k = key("fold");
    store.upsert(memory(k, "a", 1), T0_MILLIS);
    store.read(k, T0_MILLIS + 5_000);
    store.read(k, T0_MILLIS + 6_000);

    StoredMemory written = store.upsert(memory(k, "b", 1), T0_MILLIS + 7_000);
    assertThat(written.accessCount()).isEqualTo(2);
    store.flush();

    StoredMemory stored = store.peek(k);
    assertThat(stored.accessCount()).isEqualTo(2);
    assertThat(stored.lastAccessMillis()).isEqualTo(T0_MILLIS + 7_000);
    assertThat(stored.memory().content()).isEqualTo("b");
  }

  @Test
  void copyIn_dropsBufferedReadsOfTheVersionItReplaces() {
    String k = key("copy-drop");
    store.upsert(memory(k, "a", 1), T0_MILLIS);
    store.read(k, T0_MILLIS + 5_000);

    assertThat(store.copyIn(new StoredMemory(memory(k, "b", 5), 7, T0_MILLIS + 1_000))).isTrue();
    store.flush();

    StoredMemory stored = store.peek(k);
    assertThat(stored.accessCount()).isEqualTo(7);
    assertThat(stored.lastAccessMillis()).isEqualTo(T0_MILLIS + 1_000);
  }

  @Test
  void oldestAccessed_countsReadsNotYetFlushed() {
    store.upsert(memory(key("a"), "a", 1), T0_MILLIS);
    store.upsert(memory(key("b"), "b", 1), T0_MILLIS + 1_000);
    store.read(key("a"), T0_MILLIS + 60_000); // buffered only

    assertThat(keysOf(store.oldestAccessed(Long.MAX_VALUE, 2))).containsExactly(key("b"), key("a"));
    assertThat(keysOf(store.oldestAccessed(T0_MILLIS + 30_000, 10))).containsExactly(key("b"));
  }

  @Test
  void remove_thenRecreate_startsWithNoAccesses() {
    String k = key("forget");
    store.upsert(memory(k, "a", 1), T0_MILLIS);
    store.read(k, T0_MILLIS + 5_000);
    assertThat(store.remove(k)).isTrue();
    store.upsert(memory(k, "again", 1), T0_MILLIS + 6_000);

    store.flush();

    assertThat(store.peek(k).accessCount()).isZero();
  }

  @Test
  void concurrentReadsAndFlushes_loseNoCountOfThisProcess() throws Exception {
    String k = key("busy");
    store.upsert(memory(k, "a", 1), T0_MILLIS);
    int readers = 4;
    int readsEach = 50;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(readers + 1);
    try {
      List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
      for (int r = 0; r < readers; r++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < readsEach; i++) {
                    assertThat(store.read(k, T0_MILLIS + 1)).isNotNull();
                  }
                }));
      }
      futures.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 10; i++) {
                  store.flush();
                }
              }));
      for (java.util.concurrent.Future<?> f : futures) {
        f.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    store.flush();
    assertThat(store.peek(k).accessCount()).isEqualTo((long) readers * readsEach);
  }

  @Test
  void upsert_hybridClockVersions_roundTripAndFilterExactly() {
    String k = key("hlc");
    store.copyIn(new StoredMemory(memory(k, "v", HLC_VERSION), 0, T0_MILLIS));
    assertThat(store.peek(k).version()).isEqualTo(HLC_VERSION);
    assertThat(store.upsert(memory(k, "w", 1), T0_MILLIS).version()).isEqualTo(HLC_VERSION + 1);

    assertThat(store.removeIfVersion(k, HLC_VERSION)).isFalse();
    assertThat(store.removeIfOlder(k, HLC_VERSION + 1)).isFalse();
    assertThat(store.removeIfVersion(k, HLC_VERSION + 1)).isTrue();
    assertThat(store.peek(k)).isNull();
  }

  @Test
  void upsert_instantsWithNanosAndOddMetadata_roundTripExactly() {
    String k = key("exact-meta");
    Instant created = Instant.parse("2026-01-01T00:00:00.123456789Z");
    Map<String, String> meta = new HashMap<>();
    meta.put("nested", "{\"a\":[1,2]}");
    meta.put("empty", "");
    meta.put("number", "42");
    meta.put("null", "null");
    meta.put("ключ 😀", "tab\tnewline\n\u0001");
    store.upsert(new Memory(k, "", meta, created, created, 3), T0_MILLIS);

    Memory read = store.read(k, T0_MILLIS);
    assertThat(read.metadata()).isEqualTo(meta);
    assertThat(read.content()).isEmpty();
    assertThat(read.createdAt()).isEqualTo(created);

    store.upsert(new Memory(k, "x", Map.of(), created, created, 1), T0_MILLIS);
    assertThat(store.read(k, T0_MILLIS).metadata()).isEmpty(); // Chroma's merge keeps nothing old
  }

  @Test
  void flush_runsInTheBackground() throws Exception {
    ChromaTierStore s =
        ChromaTierStore.builder(ChromaTestSupport.chromaUrl(), embedder())
            .collection(track(ChromaTestSupport.uniqueCollection("tm-flush-it")))
            .accessFlushInterval(Duration.ofMillis(50))
            .build();
    extraStores.add(s);
    String k = key("bg");
    s.upsert(memory(k, "a", 1), T0_MILLIS);
    s.read(k, T0_MILLIS + 9_000);

    ChromaClient client = internals(s).client();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    long stored = 0;
    while (System.nanoTime() < deadline) {
      stored =
          RecordCodec.accessCount(
              client
                  .get(
                      internals(s).collectionId(),
                      List.of(k),
                      java.util.EnumSet.of(ChromaClient.Include.METADATAS))
                  .get(0)
                  .metadata());
      if (stored == 1) {
        break;
      }
      Thread.sleep(20);
    }
    assertThat(stored).isEqualTo(1);
  }

  @Test
  void batchedOperations_splitAboveMaxBatchSize() {
    ChromaTierStore s =
        newStore(
            ChromaTierStore.builder(ChromaTestSupport.chromaUrl(), embedder()).maxBatchSize(2));
    extraStores.add(s);
    Map<String, Long> versions = new HashMap<>();
    List<String> keys = new ArrayList<>();
    long size = 0;
    for (int i = 0; i < 7; i++) {
      String k = key("b" + i);
      keys.add(k);
      s.upsert(memory(k, "c" + i, 10), T0_MILLIS + i);
      size += memory(k, "c" + i, 10).sizeInBytes();
      versions.put(k, i % 2 == 0 ? 11L : 10L); // even keys are stale
    }
    assertThat(s.readAll(keys, T0_MILLIS + 100)).hasSize(7);
    s.flush();
    assertThat(s.peekAll(keys).values()).allMatch(m -> m.accessCount() == 1);
    assertThat(s.bytes()).isEqualTo(size);
    assertThat(keysOf(s.oldestAccessed(Long.MAX_VALUE, 3))).hasSize(3);

    List<String> removed = s.removeAllIfOlder(versions);

    assertThat(removed)
        .containsExactlyInAnyOrder(keys.get(0), keys.get(2), keys.get(4), keys.get(6));
    assertThat(s.count()).isEqualTo(3);
  }

  @Test
  void copyAllIn_isOneGetAndOneUpsert_andRemoveAllIfVersionOneGetPlusOneDeletePerVersion() {
    ChromaClient client = chroma().client();
    List<StoredMemory> copies = new ArrayList<>();
    Map<String, Long> versions = new HashMap<>();
    for (int i = 0; i < 30; i++) {
      String k = key("batch" + i);
      long version = 100 + i % 3; // three distinct versions
      copies.add(new StoredMemory(memory(k, "c" + i, version), 1, T0_MILLIS));
      versions.put(k, version);
    }
    client.maxBatchSize(); // fetched once per store; not part of the batch's cost

    long before = client.requestCount();
    assertThat(store.copyAllIn(copies)).hasSize(30);
    assertThat(client.requestCount() - before).isEqualTo(2);

    before = client.requestCount();
    assertThat(store.copyAllIn(copies)).as("equal versions are stored again").hasSize(30);
    assertThat(client.requestCount() - before).isEqualTo(2);

    before = client.requestCount();
    assertThat(store.removeAllIfVersion(versions)).hasSize(30);
    assertThat(client.requestCount() - before).isEqualTo(1 + 3);
    assertThat(store.count()).isZero();
  }

  @Test
  void copyAllInAndRemoveAllIfVersion_splitAboveMaxBatchSize() {
    ChromaTierStore s =
        newStore(
            ChromaTierStore.builder(ChromaTestSupport.chromaUrl(), embedder()).maxBatchSize(2));
    extraStores.add(s);
    List<StoredMemory> copies = new ArrayList<>();
    Map<String, Long> versions = new HashMap<>();
    for (int i = 0; i < 7; i++) {
      String k = key("s" + i);
      copies.add(new StoredMemory(memory(k, "c" + i, 10 + i), 0, T0_MILLIS));
      versions.put(k, i % 2 == 0 ? 10L + i : 99L); // odd keys hold another version
    }
    s.copyIn(new StoredMemory(memory(key("s6"), "newer", 50), 0, T0_MILLIS));

    assertThat(s.copyAllIn(copies)).hasSize(6).doesNotContain(key("s6"));
    assertThat(s.removeAllIfVersion(versions))
        .containsExactlyInAnyOrder(key("s0"), key("s2"), key("s4"));
    assertThat(s.count()).isEqualTo(4);
    assertThat(s.peek(key("s6")).memory().content()).isEqualTo("newer");
  }

  // ------------------------------------------------------------------ the writer's embedding

  /** A vector of the embedder's dimension with awkward floats, far from any content's. */
  private float[] ownVector() {
    float[] v = new float[embedder().dimension()];
    for (int i = 0; i < v.length; i++) {
      v[i] = AWKWARD[i % AWKWARD.length] * (i % 3 == 0 ? -1 : 1);
    }
    return v;
  }

  private static final float[] AWKWARD = {0.1f, -0.0f, 1e-45f, 0.33333334f, -2.7182817f, 1e-38f};

  private Row rawRecord(String k) {
    List<Row> rows =
        chroma()
            .client()
            .get(
                chroma().collectionId(),
                List.of(k),
                EnumSet.of(Include.EMBEDDINGS, Include.METADATAS));
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }

  @Test
  void writersEmbedding_isTheRecordsVector_andAWriteWithoutOneGoesBackToTheContents() {
    String own = key("own");
    String plain = key("plain");
    float[] e = embedder().embed("the user prefers answers in French");
    store.upsert(new Memory(own, "unrelated words about bakeries", Map.of(), T0, T0, 1, e), 0);
    store.upsert(memory(plain, "quarterly revenue of the bakery grew", 1), 0);

    Row ownRow = rawRecord(own);
    assertThat(Embedder.cosine(ownRow.embedding(), e)).isCloseTo(1.0, within(1e-6));
    assertThat(ownRow.metadata().path(RecordCodec.EMBEDDING).isTextual()).isTrue();
    Row plainRow = rawRecord(plain);
    float[] contentVector = embedder().embed("quarterly revenue of the bakery grew");
    assertThat(Embedder.cosine(plainRow.embedding(), contentVector)).isCloseTo(1.0, within(1e-6));
    assertThat(plainRow.metadata().has(RecordCodec.EMBEDDING)).isFalse();
    assertThat(store.read(plain, 0).embedding()).isNull();

    // The same key written without an embedding: indexed under its content, no embedding kept.
    store.upsert(memory(own, "unrelated words about bakeries", 2), 0);
    Row rewritten = rawRecord(own);
    assertThat(rewritten.metadata().has(RecordCodec.EMBEDDING)).isFalse();
    assertThat(
            Embedder.cosine(
                rewritten.embedding(), embedder().embed("unrelated words about bakeries")))
        .isCloseTo(1.0, within(1e-6));
    assertThat(store.peek(own).memory().hasEmbedding()).isFalse();
  }

  @Test
  void search_scoresTheWritersEmbeddingByItsExactCosine_andReturnsItFloatForFloat() {
    String k = key("exact");
    float[] e = ownVector();
    store.upsert(new Memory(k, "note", Map.of("t", "x"), T0, T0, 1, e), 0);
    store.copyIn(new StoredMemory(memory(key("other"), "another note", 1), 0, 0));
    float[] q = embedder().embed("note");
    q[0] = 0.25f; // some overlap with e

    List<ScoredMemory> all = store.vectorSearch().orElseThrow().search(q, "note", 2);
    List<ScoredMemory> filtered =
        store.vectorSearch().orElseThrow().search(q, "note", 1, m -> m.metadata().containsKey("t"));

    ScoredMemory hit =
        all.stream().filter(h -> h.memory().key().equals(k)).findFirst().orElseThrow();
    assertThat(hit.similarity()).isEqualTo(Embedder.cosine(q, e));
    assertThat(hit.memory().embedding()).containsExactly(e);
    assertThat(filtered).singleElement().satisfies(h -> assertThat(h).isEqualTo(hit));
  }

  @Test
  void search_neverReturnsAMemoryWhoseEmbeddingHasAnotherDimension() {
    // Only a caller of the SPI can store one; it is kept, but cannot be compared with a query.
    String k = key("4d");
    store.upsert(new Memory(k, "invoice", Map.of(), T0, T0, 1, new float[] {1, 2, 3, 4}), 0);
    store.upsert(memory(key("p"), "invoice", 1), 0);
    float[] q = embedder().embed("invoice");

    assertThat(store.vectorSearch().orElseThrow().search(q, "invoice", 5))
        .extracting(h -> h.memory().key())
        .containsExactly(key("p"));
    assertThat(store.peek(k).memory().embedding()).containsExactly(1, 2, 3, 4);
  }

  @Test
  void filteredSearch_overFetchesInRounds_untilTheCollectionIsExhausted() {
    for (int i = 0; i < 40; i++) {
      store.upsert(
          new Memory(
              key("r" + i),
              "note number " + i + " about invoices",
              Map.of("n", Integer.toString(i)),
              T0,
              T0,
              1),
          0);
    }
    float[] q = embedder().embed("note about invoices");
    Set<String> wanted = Set.of("3", "17", "38");
    ChromaClient client = chroma().client();

    long before = client.requestCount();
    List<ScoredMemory> hits =
        store
            .vectorSearch()
            .orElseThrow()
            .search(q, "", 5, m -> wanted.contains(m.metadata().get("n")));
    long requests = client.requestCount() - before;

    assertThat(hits)
        .extracting(h -> h.memory().metadata().get("n"))
        .containsExactlyInAnyOrderElementsOf(wanted);
    for (int i = 1; i < hits.size(); i++) {
      assertThat(hits.get(i).similarity()).isLessThanOrEqualTo(hits.get(i - 1).similarity());
    }
    // Queries for 5, 20 and 40 (the collection's size, from one /count): then nothing is left.
    assertThat(requests).isEqualTo(4);

    before = client.requestCount();
    assertThat(store.vectorSearch().orElseThrow().search(q, "", 3, m -> true)).hasSize(3);
    assertThat(client.requestCount() - before).as("k accepted in the first round").isEqualTo(1);
  }

  @Test
  void toString_namesCollectionButNoHeaderValue() {
    ChromaTierStore s =
        newStore(
            ChromaTierStore.builder(ChromaTestSupport.chromaUrl(), embedder())
                .header("x-chroma-token", "s3cret-token"));
    extraStores.add(s);
    assertThat(s.toString()).contains("collection=tm-store-it-").doesNotContain("s3cret");
  }

  private String track(String collection) {
    collections.add(collection);
    return collection;
  }
}
