package io.tieredmemory.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.CosineSimilarity;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import io.tieredmemory.core.RecallSource;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.TierObserver;
import io.tieredmemory.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The {@code Recalled} events of the LangChain4j adapters match exactly what they returned: for an
 * embedding search, the matches' keys in order, their scores as similarities and the tier that
 * served each (some archived to COLD, some in WARM); for {@code getMessages}, the conversation's
 * memory and its tier. Subclasses give the tiers.
 */
abstract class RecallScenarios {
  final ManualClock clock = new ManualClock();
  final List<TierEvent.Recalled> recalled = new CopyOnWriteArrayList<>();

  /** A store builder on the tiers under test (name unique per call), embedding with MiniLM. */
  abstract TieredMemory.Builder tiers(String name);

  private TieredMemory store(String name) {
    return tiers(name)
        .embedder(OneStore.EMBEDDER)
        .clock(clock)
        .disableScheduledSweeps()
        .discoverObservers(false)
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

  private static Embedding embed(String text) {
    return OneStore.MODEL.embed(text).content();
  }

  @Test
  void anEmbeddingSearch_isRecalledExactlyAsReturned_withTheTierOfEach() {
    try (TieredMemory memory = store("lc4j-recall")) {
      TieredEmbeddingStore store = TieredEmbeddingStore.builder(memory).build();
      String a = store.add(embed("Refunds are paid within five days"), TextSegment.from("a"));
      String b = store.add(embed("Refunds for cancelled trips take a week"), TextSegment.from("b"));
      clock.advance(Duration.ofMinutes(10));
      memory.sweep(); // a and b archived to COLD
      store.add(embed("A refund needs the original receipt"), TextSegment.from("c"));
      store.add(embed("The office opens at nine"), TextSegment.from("d"));
      recalled.clear();

      Embedding query = embed("How long do refunds take?");
      List<EmbeddingMatch<TextSegment>> matches =
          store
              .search(
                  EmbeddingSearchRequest.builder()
                      .queryEmbedding(query)
                      .query("How long do refunds take?")
                      .maxResults(3)
                      .build())
              .matches();

      assertThat(matches).hasSize(3);
      TierEvent.Recalled r = recalled.get(recalled.size() - 1);
      assertThat(r.source()).isEqualTo(RecallSource.LANGCHAIN4J);
      assertThat(r.query()).isNull();
      assertThat(r.results())
          .extracting(TierEvent.Recalled.Result::key)
          .containsExactlyElementsOf(
              matches.stream().map(m -> store.keyOf(m.embeddingId())).toList());
      Set<String> archived = Set.of(a, b);
      for (int i = 0; i < matches.size(); i++) {
        TierEvent.Recalled.Result x = r.results().get(i);
        EmbeddingMatch<TextSegment> m = matches.get(i);
        assertThat(x.similarity())
            .isCloseTo(CosineSimilarity.between(query, m.embedding()), within(1e-5));
        assertThat(x.tier())
            .as("tier of %s", m.embedded().text())
            .isEqualTo(archived.contains(m.embeddingId()) ? Tier.COLD : Tier.WARM);
      }
      assertThat(r.servedBy(Tier.COLD)).isEqualTo(2);
    }
  }

  @Test
  void getMessages_isRecalledWithItsTier_fromHotThenFromCold() {
    try (TieredMemory memory = store("lc4j-recall-chat")) {
      TieredChatMemoryStore chats = TieredChatMemoryStore.of(memory);
      chats.updateMessages("c-1", List.of(UserMessage.from("Where?"), AiMessage.from("Here.")));
      recalled.clear();

      assertThat(chats.getMessages("c-1")).hasSize(2); // written through to HOT
      clock.advance(Duration.ofMinutes(10));
      memory.sweep(); // demoted, then archived
      assertThat(chats.getMessages("c-1")).hasSize(2);
      assertThat(chats.getMessages("nobody")).isEmpty();

      assertThat(recalled)
          .hasSize(3)
          .allSatisfy(e -> assertThat(e.source()).isEqualTo(RecallSource.LANGCHAIN4J_CHAT));
      assertThat(recalled.get(0).results())
          .singleElement()
          .satisfies(
              x -> {
                assertThat(x.key()).isEqualTo(chats.keyOf("c-1"));
                assertThat(x.tier()).isEqualTo(Tier.HOT);
              });
      assertThat(recalled.get(1).results())
          .singleElement()
          .satisfies(x -> assertThat(x.tier()).isEqualTo(Tier.COLD));
      assertThat(recalled.get(2).results()).isEmpty();
    }
  }
}
