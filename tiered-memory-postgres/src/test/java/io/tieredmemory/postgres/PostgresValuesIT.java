package io.tieredmemory.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.ScoredMemory;
import io.tieredmemory.testservers.RealServers;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Values PostgreSQL makes awkward (NUL, nanoseconds), hostile search text, non-auto-commit pools.
 */
class PostgresValuesIT {
  private static final Instant NANOS = Instant.parse("2026-01-01T00:00:00.123456789Z");
  private static final Embedder EMBEDDER = Embedder.hashing();

  private static HikariDataSource pool;
  private String table;
  private PostgresTierStore store;

  @BeforeAll
  static void openPool() {
    pool = Pg.pool("values", 4);
  }

  @AfterAll
  static void closePool() {
    if (pool != null) {
      pool.close();
    }
  }

  @BeforeEach
  void createStore() {
    table = Pg.uniqueTable("tm_values");
    store = PostgresTierStore.builder(pool).table(table).embedder(EMBEDDER).build();
  }

  @AfterEach
  void dropTable() {
    store.close();
    Pg.drop(pool, table);
  }

  private List<ScoredMemory> search(String text, int k) {
    return store.vectorSearch().orElseThrow().search(EMBEDDER.embed(text), text, k);
  }

  @Test
  void withoutAnEmbedder_theStoreHasNoVectorSearch_andWithOneItHas() {
    String plainTable = Pg.uniqueTable("tm_plain");
    try (PostgresTierStore plain = PostgresTierStore.builder(pool).table(plainTable).build()) {
      assertThat(plain.vectorSearch()).isEmpty();
      assertThat(plain.directory()).isPresent();
      assertThat(plain.journal()).isPresent();
    } finally {
      Pg.drop(pool, plainTable);
    }
    assertThat(store.vectorSearch()).isPresent();
  }

  @Test
  void upsert_contentWithNul_roundTripsAndStaysSearchable() {
    String content = "before\0after \\0 literal backslash-zero \\\\ and \u0001 end";
    Map<String, String> meta = Map.of("nul", "a\0b", "ctl", "\u0001\u001f\u007f", "emoji", "😀");
    store.upsert(new Memory("nul", content, meta, NANOS, NANOS, 3), 0);
    store.upsert(new Memory("plain", "plain \\0 text", Map.of(), NANOS, NANOS, 3), 0);

    Memory read = store.read("nul", 0);
    assertThat(read.content()).isEqualTo(content);
    assertThat(read.metadata()).isEqualTo(meta);
    assertThat(store.read("plain", 0).content()).isEqualTo("plain \\0 text");
    assertThat(escaped("nul")).isEqualTo(1);
    assertThat(escaped("plain")).as("content without NUL is stored verbatim").isZero();
    assertThat(store.bytes())
        .isEqualTo(read.sizeInBytes() + store.peek("plain").memory().sizeInBytes());
    assertThat(search("before after", 5)).extracting(s -> s.memory().key()).contains("nul");
  }

  private long escaped(String key) {
    return Pg.queryLong(pool, "SELECT content_escaped::int FROM " + table + " WHERE key = ?", key);
  }

  @Test
  void upsert_nanosecondInstants_roundTripExactly() {
    Instant created = Instant.parse("1970-01-01T00:00:00.000000001Z");
    store.upsert(new Memory("t", "c", Map.of(), created, NANOS, 1), 0);
    Memory read = store.read("t", 0);
    assertThat(read.createdAt()).isEqualTo(created);
    assertThat(read.updatedAt()).isEqualTo(NANOS);
  }

  @Test
  void search_hostileOrWordlessText_isSafe() {
    store.upsert(new Memory("q", "it's a quoted 'word' here", Map.of(), NANOS, NANOS, 1), 0);
    for (String text :
        List.of(
            "it's a \\ test'; DROP TABLE " + table + ";--",
            "a | b & !c <-> d:* ' '' \\'",
            "!!! ??? ...",
            "",
            "\\\\server\\share c:\\path o'reilly@example.com")) {
      assertThat(search(text, 3)).isNotNull();
    }
    assertThat(search("!!! ???", 3)).isEmpty();
    assertThat(search("quoted\0word", 3)).extracting(s -> s.memory().key()).containsExactly("q");
    assertThat(search("it's quoted", 3)).extracting(s -> s.memory().key()).containsExactly("q");
    assertThat(store.count()).isEqualTo(1);
  }

  @Test
  void search_fewerFullTextMatchesThanK_returnsOnlyThose() {
    store.upsert(new Memory("a", "invoices for march", Map.of(), NANOS, NANOS, 1), 0);
    store.upsert(new Memory("b", "holiday plans", Map.of(), NANOS, NANOS, 1), 0);
    List<ScoredMemory> hits = search("march invoices", 10);
    assertThat(hits).extracting(s -> s.memory().key()).containsExactly("a");
    assertThat(hits.get(0).similarity()).isBetween(0.0, 1.0);
  }

  @Test
  void writes_throughAPoolWithoutAutoCommit_areCommitted() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(RealServers.postgresJdbcUrl());
    config.setUsername(RealServers.postgresUser());
    config.setPassword(RealServers.postgresPassword());
    config.setAutoCommit(false);
    config.setMaximumPoolSize(2);
    try (HikariDataSource manual = new HikariDataSource(config);
        PostgresTierStore s = PostgresTierStore.builder(manual).table(table).build()) {
      s.upsert(new Memory("m", "manual", Map.of(), NANOS, NANOS, 1), 0);
      s.read("m", 42);
      s.flush();
    }
    assertThat(store.peek("m").memory().content()).isEqualTo("manual");
    assertThat(store.peek("m").lastAccessMillis()).isEqualTo(42);
  }
}
