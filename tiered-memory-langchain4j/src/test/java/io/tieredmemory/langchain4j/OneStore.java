package io.tieredmemory.langchain4j;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import io.tieredmemory.chroma.ChromaTierStore;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.MemoryWrite;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.SearchHit;
import io.tieredmemory.core.SearchRequest;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.postgres.PostgresTierStore;
import io.tieredmemory.redis.RedisTierStore;
import io.tieredmemory.testkit.ManualClock;
import io.tieredmemory.testservers.RealServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.RedisClient;

/**
 * One test's {@link TieredEmbeddingStore}, opened on first use (LangChain4j's suites ask for the
 * store in their own {@code @BeforeEach}) and closed by the test class's {@code @AfterEach}: on the
 * in-process tiers or on Redis + PostgreSQL + Chroma, and, when archived, behind an {@link
 * ArchivingEmbeddingStore} that archives every memory to COLD before each search.
 */
final class OneStore implements AutoCloseable {

  /** The suites' model: all-MiniLM-L6-v2 (quantized), in process. */
  static final EmbeddingModel MODEL = new AllMiniLmL6V2QuantizedEmbeddingModel();

  /** The tiered store's embedder: the same model, so the same 384-dimension space. */
  static final Embedder EMBEDDER = LangChain4jEmbedder.of(MODEL);

  /** Demote and archive anything idle over 1 ms: a clock advance and a sweep archive it all. */
  static final TieringPolicy ARCHIVE_AT_ONCE =
      TieringPolicy.custom()
          .demoteWhenIdle(Duration.ofMillis(1))
          .archiveWhenIdle(Duration.ofMillis(1))
          .build();

  private static final AtomicLong SEQUENCE = new AtomicLong();

  private final boolean real;
  private final boolean archived;
  private final String name;
  private final ManualClock clock = new ManualClock();
  private @Nullable HikariDataSource pool;
  private @Nullable String table;
  private @Nullable String collection;
  private @Nullable String redisPrefix;
  private @Nullable RedisClient redis;
  private @Nullable TieredMemory memory;
  private @Nullable EmbeddingStore<TextSegment> store;

  private OneStore(boolean real, boolean archived, String name) {
    this.real = real;
    this.archived = archived;
    this.name = name;
  }

  static OneStore inProcess() {
    return new OneStore(false, false, "lc4j-in-process");
  }

  static OneStore inProcessArchived() {
    return new OneStore(false, true, "lc4j-archived");
  }

  static OneStore realTiers() {
    return new OneStore(true, false, "lc4j-real");
  }

  static OneStore realTiersArchived() {
    return new OneStore(true, true, "lc4j-real-archived");
  }

  /** The store the suite runs on (the archiving decorator when archived). */
  EmbeddingStore<TextSegment> store() {
    EmbeddingStore<TextSegment> s = store;
    if (s == null) {
      TieredMemory m = open();
      if (real) {
        requireEmbeddingsKept(m);
      }
      TieredEmbeddingStore plain = TieredEmbeddingStore.builder(m).build();
      s = archived ? new ArchivingEmbeddingStore(plain, clock) : plain;
      store = s;
    }
    return s;
  }

  /** The tiered store under {@link #store()}. */
  TieredMemory memory() {
    store();
    TieredMemory m = memory;
    if (m == null) {
      throw new IllegalStateException("not opened");
    }
    return m;
  }

  private TieredMemory open() {
    TieredMemory.Builder builder =
        (real ? realTiers(name) : TieredMemory.builder(name))
            .embedder(EMBEDDER)
            .clock(clock)
            .disableScheduledSweeps()
            .discoverObservers(false);
    if (archived) {
      // Each put's HOT copy is made before put returns (Redis is remote): the sweeps before each
      // search find every memory where they look for it, and no copy lands in HOT after them.
      builder.policy(ARCHIVE_AT_ONCE).readMoves(ReadMoves.CALLER);
    }
    TieredMemory m = builder.build();
    memory = m;
    return m;
  }

  /**
   * Fails at once, saying why, when the real tiers cannot hold an embedding store: a memory written
   * with its own embedding and no text must be found by a vector search, with that embedding, in
   * WARM (and, archived, in COLD). Without this check each of the suites' tests would wait five
   * minutes (their awaitility timeout) for searches that never see the embeddings.
   */
  private void requireEmbeddingsKept(TieredMemory m) {
    float[] vector = MODEL.embed("a probe of the tiers").content().vector();
    String key = "lc4j-probe:" + UUID.randomUUID();
    m.put(MemoryWrite.of(key, "").withEmbedding(vector));
    try {
      checkProbe(m, key, vector, "WARM");
      if (archived) {
        ArchivingEmbeddingStore.archiveAll(m, clock);
        checkProbe(m, key, vector, "COLD");
      }
    } finally {
      m.delete(key);
    }
  }

  private static void checkProbe(TieredMemory m, String key, float[] vector, String where) {
    List<SearchHit> hits =
        m.search(SearchRequest.vector(vector, 10).withFilter(x -> x.key().equals(key)));
    String tier = where + " (" + m.tier(Tier.valueOf(where)).kind() + ")";
    if (hits.isEmpty()) {
      throw new AssertionError(
          "the real tiers cannot hold an EmbeddingStore yet: a vector search did not find a memory"
              + " written with its own embedding and empty content in "
              + tier
              + " (the tier does not rank memories by their writer's embedding)");
    }
    Memory found = hits.get(0).memory();
    if (!Arrays.equals(found.embedding(), vector)) {
      throw new AssertionError(
          "the real tiers cannot hold an EmbeddingStore yet: "
              + tier
              + " returned the memory "
              + (found.hasEmbedding()
                  ? "with another embedding"
                  : "without its writer's embedding"));
    }
  }

  private TieredMemory.Builder realTiers(String base) {
    String id =
        base.replace('-', '_')
            + "_"
            + Long.toHexString(System.nanoTime())
            + SEQUENCE.incrementAndGet();
    RedisClient r = RedisClient.create(RealServers.redisUrl());
    redis = r;
    String prefix = "tm:" + id + ":";
    redisPrefix = prefix;
    String c = "tm-" + id.replace('_', '-');
    collection = c;
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(RealServers.postgresJdbcUrl());
    config.setUsername(RealServers.postgresUser());
    config.setPassword(RealServers.postgresPassword());
    config.setMaximumPoolSize(4);
    config.setPoolName(id);
    HikariDataSource p = new HikariDataSource(config);
    pool = p;
    String t = "tm_" + id.toLowerCase(Locale.ROOT);
    table = t;
    return TieredMemory.builder(base)
        .hot(
            RedisTierStore.builder(r)
                .prefix(prefix)
                .accessFlushInterval(Duration.ofMillis(200))
                .build())
        .warm(
            PostgresTierStore.builder(p)
                .table(t)
                .embedder(EMBEDDER)
                .accessFlushInterval(Duration.ofMillis(200))
                .build())
        .cold(
            ChromaTierStore.builder(URI.create(RealServers.chromaUrl()), EMBEDDER)
                .collection(c)
                .accessFlushInterval(Duration.ofMillis(200))
                .build());
  }

  @Override
  public void close() throws Exception {
    TieredMemory m = memory;
    if (m != null) {
      m.close();
    }
    HikariDataSource p = pool;
    if (p != null) {
      try (Connection conn = p.getConnection();
          Statement s = conn.createStatement()) {
        // The store's table and the relations it derives from the name (docs/backends/postgres.md)
        s.execute("DROP TABLE IF EXISTS \"" + table + "\"");
        s.execute("DROP TABLE IF EXISTS \"" + table + "$journal\"");
        s.execute("DROP TABLE IF EXISTS \"" + table + "$embedder\"");
        s.execute(
            "DO $$ BEGIN IF to_regclass('tiered_memory_schema') IS NOT NULL THEN"
                + " DELETE FROM tiered_memory_schema WHERE table_name = '"
                + table
                + "'; END IF; END $$");
      } finally {
        p.close();
      }
    }
    RedisClient r = redis;
    if (r != null) {
      try {
        Set<String> keys = r.keys(redisPrefix + "*");
        if (!keys.isEmpty()) {
          r.del(keys.toArray(new String[0]));
        }
      } finally {
        r.close();
      }
    }
    if (collection != null) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      http.send(
          HttpRequest.newBuilder(
                  URI.create(
                      RealServers.chromaUrl()
                          + "/api/v2/tenants/default_tenant/databases/default_database/collections/"
                          + collection))
              .DELETE()
              .timeout(Duration.ofSeconds(10))
              .build(),
          HttpResponse.BodyHandlers.discarding());
    }
  }
}
