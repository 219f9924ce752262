package io.tieredmemory.langchain4j;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import io.tieredmemory.chroma.ChromaTierStore;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.postgres.PostgresTierStore;
import io.tieredmemory.redis.RedisTierStore;
import io.tieredmemory.testkit.ManualClock;
import io.tieredmemory.testservers.RealServers;
import java.net.URI;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
  private final List<AutoCloseable> opened = new ArrayList<>();
  private @Nullable HikariDataSource pool;
  private @Nullable String table;
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
      builder.policy(ARCHIVE_AT_ONCE);
    }
    TieredMemory m = builder.build();
    memory = m;
    return m;
  }

  private TieredMemory.Builder realTiers(String base) {
    String id =
        base.replace('-', '_')
            + "_"
            + Long.toHexString(System.nanoTime())
            + SEQUENCE.incrementAndGet();
    RedisClient redis = RedisClient.create(RealServers.redisUrl());
    opened.add(redis);
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
            RedisTierStore.builder(redis)
                .prefix("tm:" + id + ":")
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
                .collection("tm-" + id.replace('_', '-'))
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
        s.execute("DROP TABLE IF EXISTS " + table);
      } finally {
        p.close();
      }
    }
    for (AutoCloseable c : opened) {
      c.close();
    }
  }
}
