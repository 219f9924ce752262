package io.tieredmemory.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.MemoryWrite;
import io.tieredmemory.core.SearchHit;
import io.tieredmemory.core.SearchRequest;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.spi.Embedder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The tier and the coordinator under a real {@link TieredMemory}, as a service would wire them. */
class PostgresTieredMemoryIT {
  private static HikariDataSource pool;
  private static String table;

  @BeforeAll
  static void openPool() {
    pool = Pg.pool("tiered", 6);
    table = Pg.uniqueTable("tm_store");
  }

  @AfterAll
  static void closePool() {
    if (pool != null) {
      Pg.drop(pool, table);
      pool.close();
    }
  }

  @Test
  void putGetSearchDelete_throughTheStore() {
    Embedder embedder = Embedder.hashing();
    PostgresTierStore warm =
        PostgresTierStore.builder(pool).table(table).embedder(embedder).build();
    try (TieredMemory store =
        TieredMemory.builder("agent")
            .warm(warm)
            .coordinator(PostgresKeyCoordinator.builder(pool).namespace("agent").build())
            .embedder(embedder)
            .build()) {
      Memory put =
          store.put("user:42:lang", "the user prefers answers in French", Map.of("s", "chat"));
      store.put("user:42:theme", "the user likes dark mode in the editor");

      assertThat(warm.peek("user:42:lang").memory())
          .as("WARM holds exactly what was acknowledged, instants to the nanosecond")
          .isEqualTo(put);
      assertThat(store.get("user:42:lang")).contains(put);

      List<SearchHit> hits = store.search("the user prefers answers in French", 2);
      assertThat(hits).isNotEmpty();
      assertThat(hits.get(0).memory().key()).isEqualTo("user:42:lang");
      assertThat(hits.get(0).similarity())
          .isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-4));

      assertThat(store.delete("user:42:lang")).isTrue();
      assertThat(warm.peek("user:42:lang")).isNull();
      assertThat(store.get("user:42:lang")).isEmpty();

      store.sweep();
      assertThat(store.stats().tier(Tier.WARM).items()).isEqualTo(1);
      assertThat(store.stats().tier(Tier.WARM).kind()).isEqualTo("postgres");
    }
    assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
  }

  @Test
  void writersEmbeddings_throughTheStore_rankTheirMemories_andAFilterIsAppliedInWarm() {
    Embedder embedder = Embedder.hashing();
    String own = Pg.uniqueTable("tm_store_emb");
    PostgresTierStore warm = PostgresTierStore.builder(pool).table(own).embedder(embedder).build();
    try (TieredMemory store = TieredMemory.builder("agent").warm(warm).embedder(embedder).build()) {
      float[] french = embedder.embed("the user prefers answers in French");
      Memory put =
          store.put(
              MemoryWrite.of("pref", "unrelated words about bakeries")
                  .withMetadata(Map.of("user", "42"))
                  .withEmbedding(french));
      store.put(
          MemoryWrite.of("other", "unrelated words about bakeries")
              .withMetadata(Map.of("user", "7"))
              .withEmbedding(french));
      store.put("plain", "the user prefers answers in French", Map.of("user", "42"));

      assertThat(warm.peek("pref").memory()).isEqualTo(put);
      SearchRequest byVector =
          SearchRequest.vector(french, 2).withFilter(m -> "42".equals(m.metadata().get("user")));
      // No text: full text has no words to find "plain" by (WARM finds memories without an
      // embedding by full text only).
      List<SearchHit> hits = store.search(byVector);
      assertThat(hits).extracting(h -> h.memory().key()).containsExactly("pref");
      assertThat(hits.get(0).memory().embedding()).containsExactly(french);
      assertThat(hits.get(0).similarity())
          .isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-4));

      hits = store.search(byVector.withText("the user prefers answers in French"));
      // Both score 1: "pref" by its embedding, "plain" by its content (the same words).
      assertThat(hits).extracting(h -> h.memory().key()).containsExactlyInAnyOrder("pref", "plain");
    } finally {
      Pg.drop(pool, own);
    }
  }
}
