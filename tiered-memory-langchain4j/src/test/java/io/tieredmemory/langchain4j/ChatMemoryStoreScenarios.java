package io.tieredmemory.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.SweepResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What {@link TieredChatMemoryStore} keeps on any tiers: every message type byte for byte in HOT,
 * after demotion to WARM and after archival to COLD; many conversations written concurrently
 * through {@link MessageWindowChatMemory}; whole lists under concurrent writers of one id. Each
 * subclass gives the tiers.
 */
abstract class ChatMemoryStoreScenarios {

  /** Demote after 1 minute idle, archive after 2: a manual clock and a sweep move everything. */
  static final TieringPolicy FAST =
      TieringPolicy.custom()
          .demoteWhenIdle(Duration.ofMinutes(1))
          .archiveWhenIdle(Duration.ofMinutes(2))
          .rehydrate(true, false)
          .build();

  /** A builder on this test's tiers (the rest of the options are set by the scenarios). */
  abstract TieredMemory.Builder tiers(String name);

  private TieredMemory open(String name, ManualClock clock) {
    return tiers(name)
        .clock(clock)
        .policy(FAST)
        .disableScheduledSweeps()
        .discoverObservers(false)
        .build();
  }

  /** A record id: its toString (the record's) names the conversation. */
  record Conversation(String tenant, int number) {}

  enum Channel {
    SUPPORT
  }

  @Test
  void everyMessageType_roundTripsByteForByte_inHotWarmAndCold() {
    ManualClock clock = new ManualClock();
    try (TieredMemory memory = open("roundtrip", clock)) {
      TieredChatMemoryStore store = TieredChatMemoryStore.of(memory);
      Map<Object, List<ChatMessage>> written = new LinkedHashMap<>();
      written.put("user-1", Conversations.everyType("string id"));
      written.put(
          UUID.fromString("6f1c1f8e-3c55-4b8e-9d43-0d1f3f1f6a01"),
          Conversations.everyType("uuid id"));
      written.put(42L, Conversations.everyType("long id"));
      written.put(new Conversation("acme", 7), Conversations.everyType("record id"));
      written.put(Channel.SUPPORT, Conversations.everyType("enum id"));
      written.put("empty", List.of());
      written.forEach(store::updateMessages);

      assertThat(memory.stats().tier(Tier.HOT).items()).isEqualTo(written.size());
      assertRoundTrip(memory, store, written, "HOT");

      clock.advance(Duration.ofSeconds(90));
      SweepResult demoted = memory.sweep();
      assertThat(demoted.demoted()).isEqualTo(written.size());
      assertThat(memory.stats().tier(Tier.HOT).items()).isZero();
      assertThat(memory.stats().tier(Tier.WARM).items()).isEqualTo(written.size());
      assertRoundTrip(memory, store, written, "WARM");

      clock.advance(Duration.ofMinutes(3));
      SweepResult archived = memory.sweep();
      assertThat(archived.archived()).isEqualTo(written.size());
      assertThat(memory.stats().tier(Tier.COLD).items()).isEqualTo(written.size());
      assertThat(memory.stats().tier(Tier.WARM).items()).isZero();
      assertRoundTrip(memory, store, written, "COLD");
    }
  }

  /**
   * Reads each id through the store first (from the tier under test: a read of an archived memory
   * brings it back to WARM), then the raw memory: the messages are equal, LangChain4j serializes
   * them to the very JSON that was written, and that JSON is the memory's content.
   */
  private static void assertRoundTrip(
      TieredMemory memory,
      TieredChatMemoryStore store,
      Map<Object, List<ChatMessage>> written,
      String tier) {
    written.forEach(
        (id, messages) -> {
          String json = Conversations.json(messages);
          List<ChatMessage> read = store.getMessages(id);
          assertThat(read).as("messages of %s read from %s", id, tier).isEqualTo(messages);
          assertThat(Conversations.json(read)).as("JSON of %s from %s", id, tier).isEqualTo(json);
          Memory raw = memory.get(store.keyOf(id)).orElseThrow();
          assertThat(raw.content()).as("content of %s after %s", id, tier).isEqualTo(json);
          assertThat(raw.metadata())
              .containsEntry(TieredChatMemoryStore.KIND_METADATA, TieredChatMemoryStore.KIND)
              .containsEntry(
                  TieredChatMemoryStore.COUNT_METADATA, Integer.toString(messages.size()));
        });
  }

  static final int THREADS = 8;
  static final int IDS_PER_THREAD = 50;
  static final int ROUNDS = 3;

  @Test
  void manyConversationsConcurrently_throughMessageWindowChatMemory_loseAndReorderNothing()
      throws Exception {
    ManualClock clock = new ManualClock();
    try (TieredMemory memory = open("concurrent", clock)) {
      TieredChatMemoryStore store = TieredChatMemoryStore.of(memory);
      Map<String, List<ChatMessage>> expected = new ConcurrentHashMap<>();
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int round = 0; round < ROUNDS; round++) {
                    for (int i = 0; i < IDS_PER_THREAD; i++) {
                      String id = "conversation-" + (i * THREADS + thread);
                      List<ChatMessage> mine = expected.computeIfAbsent(id, k -> new ArrayList<>());
                      ChatMemory chat =
                          MessageWindowChatMemory.builder()
                              .id(id)
                              .maxMessages(1_000)
                              .chatMemoryStore(store)
                              .build();
                      if (round == 0) {
                        SystemMessage system = SystemMessage.from("you serve " + id);
                        chat.add(system);
                        mine.add(system);
                      }
                      UserMessage question = UserMessage.from(id + " asks #" + round);
                      chat.add(question);
                      mine.add(question);
                      AiMessage answer = AiMessage.from(id + " is told #" + round);
                      chat.add(answer);
                      mine.add(answer);
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(5, TimeUnit.MINUTES);
      }
      pool.shutdown();
      int ids = THREADS * IDS_PER_THREAD;
      assertThat(expected).hasSize(ids);
      assertConversations(store, expected, "HOT");

      clock.advance(Duration.ofSeconds(90));
      assertThat(memory.sweep().demoted()).isEqualTo(ids);
      clock.advance(Duration.ofMinutes(3));
      assertThat(memory.sweep().archived()).isEqualTo(ids);
      assertThat(memory.stats().tier(Tier.COLD).items()).isEqualTo(ids);
      assertConversations(store, expected, "COLD");
    }
  }

  private static void assertConversations(
      TieredChatMemoryStore store, Map<String, List<ChatMessage>> expected, String tier) {
    expected.forEach(
        (id, messages) -> {
          assertThat(messages).hasSize(1 + 2 * ROUNDS);
          assertThat(store.getMessages(id)).as("%s from %s", id, tier).isEqualTo(messages);
          ChatMemory chat =
              MessageWindowChatMemory.builder()
                  .id(id)
                  .maxMessages(1_000)
                  .chatMemoryStore(store)
                  .build();
          assertThat(chat.messages()).as("%s through a new ChatMemory", id).isEqualTo(messages);
        });
  }

  @Test
  void concurrentWritersOfOneId_replaceTheWholeList_lastWriterWins() throws Exception {
    try (TieredMemory memory = open("one-id", new ManualClock())) {
      TieredChatMemoryStore store = TieredChatMemoryStore.of(memory);
      Set<List<ChatMessage>> written = ConcurrentHashMap.newKeySet();
      List<List<ChatMessage>> seen = java.util.Collections.synchronizedList(new ArrayList<>());
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int n = 0; n < 25; n++) {
                    List<ChatMessage> list = new ArrayList<>();
                    for (int k = 0; k <= thread; k++) {
                      list.add(UserMessage.from("writer " + thread + " list " + n + " #" + k));
                    }
                    written.add(list);
                    store.updateMessages("shared", list);
                    seen.add(store.getMessages("shared"));
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(5, TimeUnit.MINUTES);
      }
      pool.shutdown();
      // Every read saw one writer's whole list, never a mix; the final list is a whole list too.
      assertThat(written).containsAll(seen);
      assertThat(written).contains(store.getMessages("shared"));
    }
  }

  @Test
  void deleteMessages_removesTheConversation_fromHotAndFromTheArchive() {
    ManualClock clock = new ManualClock();
    try (TieredMemory memory = open("delete", clock)) {
      TieredChatMemoryStore store = TieredChatMemoryStore.of(memory);
      store.updateMessages("hot", Conversations.everyType("hot"));
      store.updateMessages("cold", Conversations.everyType("cold"));
      store.deleteMessages("hot");
      assertThat(store.getMessages("hot")).isEmpty();
      assertThat(memory.get(store.keyOf("hot"))).isEmpty();

      clock.advance(Duration.ofSeconds(90));
      memory.sweep();
      clock.advance(Duration.ofMinutes(3));
      assertThat(memory.sweep().archived()).isEqualTo(1);
      store.deleteMessages("cold");
      assertThat(store.getMessages("cold")).isEmpty();
      assertThat(memory.get(store.keyOf("cold"))).isEmpty();
      store.deleteMessages("never written"); // not an error
    }
  }
}
