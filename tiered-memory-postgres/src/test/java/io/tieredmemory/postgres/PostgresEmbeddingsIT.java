package io.tieredmemory.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.ArchiveDirectory;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.Location;
import io.tieredmemory.core.spi.ScoredMemory;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.VectorSearch;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Writers' embeddings on a real PostgreSQL: the embedder record refusing another embedder, marks
 * dropping the embedding, exact search by embeddings beyond one fetch, and a version 4 table
 * migrated in place.
 */
class PostgresEmbeddingsIT {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final long NOW = T0.toEpochMilli();
  private static final Embedder HASHING = Embedder.hashing();

  private static HikariDataSource pool;
  private final List<String> tables = new ArrayList<>();
  private final List<PostgresTierStore> stores = new ArrayList<>();

  @BeforeAll
  static void openPool() {
    pool = Pg.pool("embeddings", 6);
  }

  @AfterAll
  static void closePool() {
    if (pool != null) {
      pool.close();
    }
  }

  @AfterEach
  void dropTables() {
    stores.forEach(PostgresTierStore::close);
    tables.forEach(t -> Pg.drop(pool, t));
  }

  private String table(String prefix) {
    String t = Pg.uniqueTable(prefix);
    tables.add(t);
    return t;
  }

  private PostgresTierStore build(String table, Embedder embedder) {
    PostgresTierStore s = PostgresTierStore.builder(pool).table(table).embedder(embedder).build();
    stores.add(s);
    return s;
  }

  /** An embedder of the hashing kind under another name or dimension (any, 1 included). */
  private static Embedder embedder(String id, int dimension) {
    Embedder words = Embedder.hashing(Math.max(8, dimension));
    return new Embedder() {
      @Override
      public int dimension() {
        return dimension;
      }

      @Override
      public float[] embed(String text) {
        return Arrays.copyOf(words.embed(text), dimension);
      }

      @Override
      public String id() {
        return id;
      }
    };
  }

  private static Memory memory(String key, String content, float[] embedding) {
    Memory m =
        new Memory(key, content, Map.of("p", key.hashCode() % 2 == 0 ? "even" : "odd"), T0, T0, 1);
    return embedding == null ? m : m.withEmbedding(embedding);
  }

  private static String recorded(String table) {
    String record = TableName.of(table).derived("embedder");
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT id || '/' || dimension, count(*) OVER () FROM " + record)) {
      return rs.next() ? rs.getString(1) + " x" + rs.getLong(2) : null;
    } catch (SQLException e) {
      throw new IllegalStateException("reading the embedder record of " + table + " failed", e);
    }
  }

  // The embedder record.

  @Test
  void sameEmbedder_reopensFine_andIsRecordedOnce() {
    String t = table("tm_emb_same");
    build(t, HASHING).upsert(memory("k", "text", HASHING.embed("text")), NOW);
    PostgresTierStore again = build(t, Embedder.hashing());
    assertThat(again.peek("k").memory().embedding()).containsExactly(HASHING.embed("text"));
    PostgresTierStore checked =
        PostgresTierStore.builder(pool).table(t).embedder(HASHING).createSchema(false).build();
    stores.add(checked);
    assertThat(recorded(t)).isEqualTo("hashing/256/256 x1");
  }

  @Test
  void anotherEmbedderId_failsNamingTableBothEmbeddersAndWhatToDo() {
    String t = table("tm_emb_id");
    build(t, HASHING).upsert(memory("k", "text", HASHING.embed("text")), NOW);
    Embedder other = embedder("all-MiniLM-L6-v2-q/256", 256);
    assertThatThrownBy(() -> build(t, other))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("table '" + t + "'")
        .hasMessageContaining("embedder 'hashing/256' (dimension 256")
        .hasMessageContaining("built with embedder 'all-MiniLM-L6-v2-q/256' (dimension 256)")
        .hasMessageContaining("the recorded embedder")
        .hasMessageContaining("another table")
        .hasMessageContaining("re-embed")
        .hasMessageContaining("DELETE FROM \"" + t + "$embedder\"");
    assertThatThrownBy(
            () ->
                PostgresTierStore.builder(pool)
                    .table(t)
                    .embedder(other)
                    .createSchema(false)
                    .build())
        .as("with createSchema(false) too")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("table '" + t + "'");
    assertThat(recorded(t)).isEqualTo("hashing/256/256 x1");
  }

  @Test
  void anotherDimension_failsEvenUnderTheSameId() {
    String t = table("tm_emb_dim");
    build(t, HASHING).upsert(memory("k", "text", HASHING.embed("text")), NOW);
    assertThatThrownBy(() -> build(t, embedder("hashing/256", 128)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("table '" + t + "'")
        .hasMessageContaining("embedder 'hashing/256' (dimension 256")
        .hasMessageContaining("built with embedder 'hashing/256' (dimension 128)");
    assertThatThrownBy(() -> build(t, Embedder.hashing(128)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("built with embedder 'hashing/128' (dimension 128)");
  }

  @Test
  void withoutAnEmbedder_nothingIsRecorded_andTheFirstEmbedderIsThenKept() {
    String t = table("tm_emb_late");
    PostgresTierStore plain = PostgresTierStore.builder(pool).table(t).build();
    stores.add(plain);
    assertThat(recorded(t)).isNull();
    float[] own = new float[64];
    own[7] = 1;
    build(t, embedder("mine/64", 64)).upsert(memory("k", "text", own), NOW);
    assertThat(recorded(t)).isEqualTo("mine/64/64 x1");
    PostgresTierStore plainAgain = PostgresTierStore.builder(pool).table(t).build();
    stores.add(plainAgain);
    assertThatThrownBy(() -> build(t, HASHING)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aTableHoldingNoEmbedding_takesTheNewEmbedder_andHoldsItOnceItHasEmbeddings() {
    String t = table("tm_emb_adopt");
    PostgresTierStore first = build(t, HASHING);
    first.upsert(memory("plain", "content only", null), NOW);
    first.upsert(memory("own", "text", HASHING.embed("text")), NOW);
    first.upsert(memory("own", "text again", null), NOW); // its embedding dropped: none left

    Embedder next = embedder("next/32", 32);
    PostgresTierStore second = build(t, next);
    assertThat(recorded(t)).isEqualTo("next/32/32 x1");
    assertThat(second.peek("plain").memory().content()).isEqualTo("content only");

    float[] own = new float[32];
    own[1] = 1;
    second.upsert(memory("own", "text", own), NOW);
    assertThatThrownBy(() -> build(t, HASHING))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("embedder 'next/32' (dimension 32");
    assertThat(recorded(t)).isEqualTo("next/32/32 x1");
  }

  // Marks and the directory.

  @Test
  void directory_carriesTheEmbedding_andAMarkDropsIt() {
    String t = table("tm_emb_dir");
    PostgresTierStore store = build(t, embedder("tiny/4", 4));
    ArchiveDirectory dir = store.directory().orElseThrow();
    float[] e = {0.5f, -0.0f, 1e-45f, Float.MAX_VALUE};
    long v = store.upsert(memory("a", "alpha", e), NOW).version();
    store.upsert(memory("b", "beta", e), NOW);

    assertThat(((Location.Held) dir.locate("a", NOW)).memory().memory().embedding())
        .containsExactly(e);
    assertThat(((Location.Held) dir.peekLocations(List.of("a")).get("a")).memory().memory())
        .isEqualTo(store.peek("a").memory());
    assertThat(dir.markArchived(Map.of("a", v))).containsExactly("a");
    assertThat(dir.locate("a", NOW)).isEqualTo(new Location.Archived(v));
    assertThat(
            Pg.queryLong(
                pool,
                "SELECT count(*) FROM " + TableName.of(t).sql() + " WHERE embedding IS NOT NULL"))
        .as("only b keeps an embedding: a mark has no content, COLD holds the copy")
        .isEqualTo(1);
    assertThat(
            store.vectorSearch().orElseThrow().search(e, "", 5).stream().map(s -> s.memory().key()))
        .containsExactly("b");

    Location deleted = dir.delete("b");
    assertThat(((Location.Held) deleted).memory().memory().embedding()).containsExactly(e);
    store.upsert(memory("a", "alpha again", e), NOW);
    assertThat(store.read("a", NOW).embedding()).containsExactly(e);
  }

  @Test
  void copyAllIn_keepsEachEmbedding_andNoneForMemoriesWithout() {
    String t = table("tm_emb_batch");
    PostgresTierStore store = build(t, HASHING);
    float[] e = {1f, 2f, 3f};
    assertThat(
            store.copyAllIn(
                List.of(
                    new StoredMemory(memory("x", "x", e), 1, NOW),
                    new StoredMemory(memory("y", "y", null), 2, NOW))))
        .containsExactlyInAnyOrder("x", "y");
    assertThat(store.peek("x").memory().embedding()).containsExactly(e);
    assertThat(store.peek("y").memory().hasEmbedding()).isFalse();
  }

  // Search.

  private static float[] randomVector(Random random, int dimension) {
    float[] v = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  /** What an exact search must return: every candidate scored, the best k the filter accepts. */
  private static List<String> bruteForce(
      List<Memory> all, float[] query, int k, Predicate<Memory> filter) {
    return all.stream()
        .filter(filter)
        .sorted(
            Comparator.comparingDouble((Memory m) -> -m.similarityTo(query))
                .thenComparing(Memory::key))
        .limit(k)
        .map(Memory::key)
        .toList();
  }

  @Test
  void search_byEmbeddings_isExact_overMoreRowsThanOneFetch_withAndWithoutAFilter() {
    String t = table("tm_emb_exact");
    PostgresTierStore store = build(t, HASHING);
    Random random = new Random(42);
    List<Memory> all = new ArrayList<>();
    List<StoredMemory> batch = new ArrayList<>();
    for (int i = 0; i < 3 * PostgresSearch.FETCH_SIZE + 7; i++) {
      Memory m = memory(String.format("e%05d", i), "row " + i, randomVector(random, 256));
      all.add(m);
      batch.add(new StoredMemory(m, 0, NOW));
      if (batch.size() == 500) {
        store.copyAllIn(batch);
        batch.clear();
      }
    }
    store.copyAllIn(batch);
    VectorSearch search = store.vectorSearch().orElseThrow();

    for (int q = 0; q < 3; q++) {
      float[] query = randomVector(random, 256);
      List<ScoredMemory> hits = search.search(query, "unrelated words", 10);
      assertThat(hits)
          .extracting(h -> h.memory().key())
          .containsExactlyElementsOf(bruteForce(all, query, 10, m -> true));
      for (ScoredMemory h : hits) {
        assertThat(h.similarity()).isCloseTo(h.memory().similarityTo(query), within(1e-12));
      }
      Predicate<Memory> odd = m -> "odd".equals(m.metadata().get("p"));
      assertThat(search.search(query, "", 7, odd))
          .extracting(h -> h.memory().key())
          .containsExactlyElementsOf(bruteForce(all, query, 7, odd));
    }
    Predicate<Memory> oneKey = m -> m.key().equals("e01234");
    assertThat(search.search(randomVector(random, 256), "", 5, oneKey))
        .extracting(h -> h.memory().key())
        .containsExactly("e01234");
  }

  @Test
  void search_mixesEmbeddedRowsWithFullTextCandidates_eachRankedItsOwnWay() {
    String t = table("tm_emb_mix");
    PostgresTierStore store = build(t, HASHING);
    String query = "the user prefers answers in French";
    // Its content is the query itself, but its writer's embedding is of something else.
    store.upsert(memory("own", query, HASHING.embed("quarterly revenue of the bakery grew")), NOW);
    store.upsert(memory("plain", "the user prefers answers in French", null), NOW);
    store.upsert(memory("plain2", "answers about the bakery", null), NOW);
    // An embedding of another dimension is no vector of this embedder: ranked by its content.
    store.upsert(memory("odddim", "the user prefers answers", new float[] {1f, 0f, 0f}), NOW);

    List<ScoredMemory> hits =
        store.vectorSearch().orElseThrow().search(HASHING.embed(query), query, 10);

    assertThat(hits).extracting(h -> h.memory().key()).startsWith("plain", "odddim");
    assertThat(hits.get(0).similarity()).isCloseTo(1.0, within(1e-4));
    ScoredMemory own =
        hits.stream().filter(h -> h.memory().key().equals("own")).findFirst().orElseThrow();
    assertThat(own.similarity())
        .isCloseTo(Embedder.cosine(HASHING.embed(query), own.memory().embedding()), within(1e-9))
        .isLessThan(0.5);
    assertThat(hits.get(1).memory().embedding()).containsExactly(1f, 0f, 0f);
  }

  @Test
  void search_withAFilter_findsAcceptedFullTextMatchesBeyondTheCandidateCap() {
    String t = table("tm_emb_cap");
    PostgresTierStore store = build(t, HASHING);
    List<StoredMemory> batch = new ArrayList<>();
    for (int i = 0; i < PostgresSearch.MAX_CANDIDATES + 100; i++) {
      batch.add(
          new StoredMemory(memory(String.format("n%04d", i), "note about invoices", null), 0, NOW));
    }
    store.copyAllIn(batch);
    String q = "note about invoices";
    // Equal ts_rank everywhere: the full-text order is by key, so these come last.
    Predicate<Memory> last = m -> m.key().compareTo("n0495") >= 0;
    List<ScoredMemory> hits =
        store.vectorSearch().orElseThrow().search(HASHING.embed(q), q, 3, last);
    assertThat(hits).hasSize(3).allSatisfy(h -> assertThat(last.test(h.memory())).isTrue());
  }

  @Test
  void search_aNonFiniteEmbeddingRanksNowhere_andBreaksNothing() {
    String t = table("tm_emb_nan");
    PostgresTierStore store = build(t, embedder("tiny/2", 2));
    store.copyIn(new StoredMemory(memory("nan", "x", new float[] {Float.NaN, 1f}), 0, NOW));
    store.copyIn(
        new StoredMemory(memory("inf", "x", new float[] {Float.POSITIVE_INFINITY, 1f}), 0, NOW));
    store.copyIn(new StoredMemory(memory("ok", "x", new float[] {1f, 1f}), 0, NOW));
    assertThat(store.peek("nan").memory().embedding()[0]).isNaN();
    assertThat(store.vectorSearch().orElseThrow().search(new float[] {1f, 1f}, "", 5))
        .extracting(h -> h.memory().key())
        .containsExactly("ok");
  }

  // Migration.

  @Test
  void version4Table_migratesInPlace_keepingRowsAndMarks() {
    String t = table("tm_emb_v4");
    TableName name = TableName.of(t);
    Pg.execute(
        pool,
        "CREATE TABLE IF NOT EXISTS "
            + Schema.VERSION_TABLE
            + " (table_name text PRIMARY KEY, version integer NOT NULL,"
            + " updated_at timestamptz NOT NULL DEFAULT now())");
    for (Migrations.Migration m : Migrations.all(name)) {
      if (m.version() <= Migrations.ARCHIVE_MARKS) {
        m.statements().forEach(statement -> Pg.execute(pool, statement));
      }
    }
    Pg.execute(
        pool,
        "INSERT INTO " + Schema.VERSION_TABLE + " (table_name, version) VALUES (?, ?)",
        t,
        Migrations.ARCHIVE_MARKS);
    Pg.execute(
        pool,
        "INSERT INTO "
            + name.sql()
            + " (key, content, metadata, created_ns, updated_ns, version, access_count,"
            + " last_access, size, archived) VALUES ('held', 'old words', '{}', 0, 0, 3, 0, 10, 9,"
            + " false), ('marked', '', '{}', 0, 0, 5, 0, 10, 6, true)");

    PostgresTierStore store = build(t, HASHING);

    assertThat(
            Pg.queryLong(pool, "SELECT version FROM tiered_memory_schema WHERE table_name = ?", t))
        .isEqualTo(Schema.latest());
    assertThat(store.peek("held").memory().content()).isEqualTo("old words");
    assertThat(store.peek("held").memory().hasEmbedding()).isFalse();
    assertThat(store.directory().orElseThrow().locate("marked", NOW))
        .isEqualTo(new Location.Archived(5));
    assertThat(
            store.vectorSearch().orElseThrow().search(HASHING.embed("old words"), "old words", 3))
        .extracting(h -> h.memory().key())
        .containsExactly("held");
    float[] e = HASHING.embed("new words");
    store.upsert(memory("held", "new words", e), NOW);
    assertThat(store.read("held", NOW).embedding()).containsExactly(e);
    assertThat(recorded(t)).isEqualTo("hashing/256/256 x1");
  }
}
