package io.tieredmemory.springai;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.KeyCoordinator;
import io.tieredmemory.postgres.PostgresKeyCoordinator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.UserMessage;

/**
 * {@link ChatMemoryContract} on real Redis (HOT), PostgreSQL (WARM) and Chroma (COLD), each store
 * under names of its own (Redis prefix, table, collection).
 */
class RealTiersChatMemoryIT extends ChatMemoryContract {

  private static RealTiers real;

  @BeforeAll
  static void connect() {
    real = new RealTiers("spring-ai-it", "sai_");
  }

  @AfterAll
  static void disconnect() throws Exception {
    real.close();
  }

  @Override
  TieredMemory.Builder tiers(String name) {
    return real.tiers(name, Embedder.hashing());
  }

  private TieredMemory.Builder tiers(String name, String id) {
    return real.tiers(name, id, Embedder.hashing());
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
    // Coordinated: each instance's store and repository share one coordinator, as the Boot
    // auto-configuration does with a KeyCoordinator bean (several instances need it for the
    // store's own guarantees too). Without one, the stores make a put's HOT copy before put
    // returns: this case shows the repository's documented race, not that of two stores each
    // believing itself alone (whose put copies, made later, could land after the other's write).
    List<KeyCoordinator> coordinators = new ArrayList<>();
    List<TieredMemory.Builder> stores =
        List.of(
            tiers("first", id).disableScheduledSweeps(),
            tiers("second", id).disableScheduledSweeps());
    for (TieredMemory.Builder store : stores) {
      if (coordinated) {
        KeyCoordinator c =
            PostgresKeyCoordinator.builder(real.pool())
                .namespace(id)
                .lockTimeout(Duration.ofSeconds(20))
                .build();
        coordinators.add(c);
        store.coordinator(c);
      } else {
        store.readMoves(ReadMoves.CALLER);
      }
    }
    try (TieredMemory first = stores.get(0).build();
        TieredMemory second = stores.get(1).build()) {
      List<TieredChatMemoryRepository.Builder> builders =
          List.of(
              TieredChatMemoryRepository.builder(first),
              TieredChatMemoryRepository.builder(second));
      for (int i = 0; i < coordinators.size(); i++) {
        builders.get(i).coordinator(coordinators.get(i));
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
    } finally {
      for (KeyCoordinator c : coordinators) {
        c.close(); // after the stores, which lock with them until they close
      }
    }
  }
}
