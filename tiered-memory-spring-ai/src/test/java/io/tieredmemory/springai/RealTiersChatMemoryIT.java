package io.tieredmemory.springai;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.chroma.ChromaTierStore;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.KeyCoordinator;
import io.tieredmemory.postgres.PostgresKeyCoordinator;
import io.tieredmemory.postgres.PostgresTierStore;
import io.tieredmemory.redis.RedisTierStore;
import io.tieredmemory.testservers.RealServers;
import java.net.URI;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.UserMessage;
import redis.clients.jedis.RedisClient;

/**
 * {@link ChatMemoryContract} on real Redis (HOT), PostgreSQL (WARM) and Chroma (COLD), each store
 * under names of its own (Redis prefix, table, collection).
 */
class RealTiersChatMemoryIT extends ChatMemoryContract {

  private static RedisClient redis;
  private static HikariDataSource pool;
  private static final List<String> tables = new ArrayList<>();

  @BeforeAll
  static void connect() {
    redis = RedisClient.create(RealServers.redisUrl());
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(RealServers.postgresJdbcUrl());
    config.setUsername(RealServers.postgresUser());
    config.setPassword(RealServers.postgresPassword());
    config.setMaximumPoolSize(16);
    config.setPoolName("spring-ai-it");
    pool = new HikariDataSource(config);
  }

  @AfterAll
  static void disconnect() throws Exception {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      for (String table : tables) {
        s.execute("DROP TABLE IF EXISTS " + table);
      }
    } finally {
      pool.close();
      redis.close();
    }
  }

  @Override
  TieredMemory.Builder tiers(String name) {
    return tiers(name, "sai_" + name + "_" + Long.toHexString(System.nanoTime()));
  }

  /** A store on the servers' data named {@code id}: two calls with one id share the data. */
  private TieredMemory.Builder tiers(String name, String id) {
    String table = "tm_" + id.toLowerCase(Locale.ROOT);
    if (!tables.contains(table)) {
      tables.add(table);
    }
    Embedder embedder = Embedder.hashing();
    return TieredMemory.builder(name)
        .discoverObservers(false)
        .embedder(embedder)
        .hot(
            RedisTierStore.builder(redis)
                .prefix("tm:" + id + ":")
                .accessFlushInterval(Duration.ofMillis(200))
                .build())
        .warm(
            PostgresTierStore.builder(pool)
                .table(table)
                .embedder(embedder)
                .accessFlushInterval(Duration.ofMillis(200))
                .build())
        .cold(
            ChromaTierStore.builder(URI.create(RealServers.chromaUrl()), embedder)
                .collection("tm-" + id.replace('_', '-'))
                .accessFlushInterval(Duration.ofMillis(200))
                .build());
  }

  /**
   * Two instances sharing the servers, saving conversations at the same time: no conversation is
   * lost; the id list may miss ids another instance overwrote (the documented race), and has them
   * all once each conversation was saved again.
   */
  @Test
  void twoInstancesSharingTheServers() throws Exception {
    twoInstances(false);
  }

  /** The same with a shared coordinator: no id is ever missing. */
  @Test
  void twoInstancesSharingACoordinator() throws Exception {
    twoInstances(true);
  }

  private void twoInstances(boolean coordinated) throws Exception {
    String id = "sai_shared_" + Long.toHexString(System.nanoTime());
    int perInstance = 30;
    try (TieredMemory first = tiers("first", id).disableScheduledSweeps().build();
        TieredMemory second = tiers("second", id).disableScheduledSweeps().build()) {
      List<TieredChatMemoryRepository.Builder> builders =
          List.of(
              TieredChatMemoryRepository.builder(first),
              TieredChatMemoryRepository.builder(second));
      List<KeyCoordinator> coordinators = new ArrayList<>();
      if (coordinated) {
        for (TieredChatMemoryRepository.Builder b : builders) {
          KeyCoordinator c =
              PostgresKeyCoordinator.builder(pool)
                  .namespace(id)
                  .lockTimeout(Duration.ofSeconds(20))
                  .build();
          coordinators.add(c);
          b.coordinator(c);
        }
      }
      List<TieredChatMemoryRepository> repositories =
          List.of(builders.get(0).build(), builders.get(1).build());
      ExecutorService pool = Executors.newFixedThreadPool(2);
      List<String> all = new ArrayList<>();
      try {
        List<Future<?>> writers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
          TieredChatMemoryRepository repository = repositories.get(r);
          String instance = "i" + r;
          for (int c = 0; c < perInstance; c++) {
            all.add(instance + "-c" + c);
          }
          writers.add(
              pool.submit(
                  () -> {
                    for (int c = 0; c < perInstance; c++) {
                      String conversation = instance + "-c" + c;
                      repository.saveAll(conversation, List.of(new UserMessage(conversation)));
                    }
                    return null;
                  }));
        }
        for (Future<?> w : writers) {
          w.get(2, TimeUnit.MINUTES);
        }
      } finally {
        pool.shutdownNow();
      }
      for (String conversation : all) {
        for (TieredChatMemoryRepository repository : repositories) {
          assertThat(repository.findByConversationId(conversation))
              .containsExactly(new UserMessage(conversation));
        }
      }
      List<String> listed = repositories.get(0).findConversationIds();
      System.out.println(
          (coordinated ? "two instances, one coordinator: " : "two instances: ")
              + (all.size() - listed.size())
              + " of "
              + all.size()
              + " ids missing from the list after the concurrent saves");
      assertThat(all).containsAll(listed);
      if (coordinated) {
        assertThat(listed).containsExactlyInAnyOrderElementsOf(all);
      }
      // the next turn of each conversation lists it again
      for (int r = 0; r < 2; r++) {
        for (int c = 0; c < perInstance; c++) {
          String conversation = "i" + r + "-c" + c;
          repositories.get(r).saveAll(conversation, List.of(new UserMessage(conversation)));
        }
      }
      for (TieredChatMemoryRepository repository : repositories) {
        assertThat(repository.findConversationIds()).containsExactlyInAnyOrderElementsOf(all);
      }
      for (KeyCoordinator c : coordinators) {
        c.close();
      }
    }
  }
}
