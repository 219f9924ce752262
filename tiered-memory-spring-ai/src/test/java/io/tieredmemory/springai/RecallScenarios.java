package io.tieredmemory.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tieredmemory.core.RecallSource;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.TierObserver;
import io.tieredmemory.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.document.Document;
import org.springframework.ai.vectorstore.SearchRequest;

/**
 * The {@code Recalled} events of the Spring AI adapters match exactly what they returned: for a
 * similarity search, the documents' keys in the order returned, their scores as similarities, and
 * the tier that served each (some archived to COLD, some still in WARM); for a conversation load,
 * the conversation's memory and its tier. Subclasses give the tiers.
 */
abstract class RecallScenarios {
  static final EmbedderModel MODEL = VectorStoreContract.MODEL;

  final ManualClock clock = new ManualClock();
  final List<TierEvent.Recalled> recalled = new CopyOnWriteArrayList<>();

  /** A store builder on the tiers under test (name unique per call), with {@link #MODEL}. */
  abstract TieredMemory.Builder tiers(String name);

  private TieredMemory store(String name) {
    return tiers(name)
        .clock(clock)
        .disableScheduledSweeps()
        .policy(
            TieringPolicy.custom()
                .demoteWhenIdle(Duration.ofMinutes(1))
                .archiveWhenIdle(Duration.ofMinutes(5))
                .rehydrate(false, false)
                .build())
        .observer(
            TierObserver.events(
                e -> {
                  if (e instanceof TierEvent.Recalled r) {
                    recalled.add(r);
                  }
                }))
        .build();
  }

  @Test
  void aSimilaritySearch_isRecalledExactlyAsReturned_withTheTierOfEach() {
    try (TieredMemory memory = store("recall-vs")) {
      TieredVectorStore store = TieredVectorStore.builder(memory, MODEL).build();
      store.add(
          List.of(
              new Document("a", "Refunds are paid within five days", Map.of("year", 2023)),
              new Document("b", "Refunds for cancelled trips take a week", Map.of("year", 2020))));
      clock.advance(Duration.ofMinutes(10));
      memory.sweep(); // a and b archived to COLD
      store.add(
          List.of(
              new Document("c", "A refund needs the original receipt", Map.of("year", 2024)),
              new Document("d", "The office opens at nine", Map.of("year", 2024))));
      recalled.clear();

      List<Document> found =
          store.similaritySearch(
              SearchRequest.builder().query("How long do refunds take?").topK(3).build());

      assertThat(found).hasSize(3);
      TierEvent.Recalled r = recalled.get(recalled.size() - 1);
      assertThat(r.source()).isEqualTo(RecallSource.SPRING_AI);
      assertThat(r.query()).isNull();
      assertThat(r.results())
          .extracting(TierEvent.Recalled.Result::key)
          .containsExactlyElementsOf(found.stream().map(d -> "document:" + d.getId()).toList());
      for (int i = 0; i < found.size(); i++) {
        TierEvent.Recalled.Result x = r.results().get(i);
        Document d = found.get(i);
        assertThat(x.similarity()).isCloseTo(d.getScore(), within(1e-9));
        assertThat(x.tier())
            .as("tier of %s", d.getId())
            .isEqualTo(d.getId().equals("a") || d.getId().equals("b") ? Tier.COLD : Tier.WARM);
        assertThat(x.version())
            .isEqualTo(memory.get("document:" + d.getId()).orElseThrow().version());
      }
      assertThat(r.servedBy(Tier.COLD)).isEqualTo(2);
      assertThat(r.servedBy(Tier.WARM)).isEqualTo(1);
    }
  }

  @Test
  void loadingAConversation_isRecalledWithItsTier_fromHotThenFromCold() {
    try (TieredMemory memory = store("recall-chat")) {
      TieredChatMemoryRepository repository = TieredChatMemoryRepository.builder(memory).build();
      List<Message> messages =
          List.of(new UserMessage("Where is my refund?"), new AssistantMessage("On its way."));
      repository.saveAll("c-1", messages);
      recalled.clear();

      assertThat(repository.findByConversationId("c-1")).hasSize(2); // written through to HOT
      clock.advance(Duration.ofMinutes(10));
      memory.sweep(); // demoted, then archived
      assertThat(repository.findByConversationId("c-1")).hasSize(2);
      assertThat(repository.findByConversationId("nobody")).isEmpty();

      assertThat(recalled)
          .allSatisfy(e -> assertThat(e.source()).isEqualTo(RecallSource.SPRING_AI_CHAT))
          .hasSize(3);
      assertThat(recalled.get(0).results())
          .singleElement()
          .satisfies(
              x -> {
                assertThat(x.key()).isEqualTo("spring-ai:chat:conversation:c-1");
                assertThat(x.tier()).isEqualTo(Tier.HOT);
                assertThat(x.similarity()).isNaN();
              });
      assertThat(recalled.get(1).results())
          .singleElement()
          .satisfies(x -> assertThat(x.tier()).isEqualTo(Tier.COLD));
      assertThat(recalled.get(2).results()).isEmpty();
    }
  }
}
