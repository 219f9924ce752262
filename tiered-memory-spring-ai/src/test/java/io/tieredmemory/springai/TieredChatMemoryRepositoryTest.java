package io.tieredmemory.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tieredmemory.core.MemoryLimits;
import io.tieredmemory.core.TieredMemory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.UserMessage;

/** The repository's contract, as Spring AI's own InMemoryChatMemoryRepositoryTests checks it. */
class TieredChatMemoryRepositoryTest {

  private final TieredMemory store =
      TieredMemory.builder("repo").discoverObservers(false).disableScheduledSweeps().build();
  private final TieredChatMemoryRepository repository =
      TieredChatMemoryRepository.builder(store).build();

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void nothingStored() {
    assertThat(repository.findConversationIds()).isEmpty();
    assertThat(repository.findByConversationId("none")).isEmpty();
    repository.deleteByConversationId("none");
  }

  @Test
  void saveAllReplacesAndDeleteRemoves() {
    repository.saveAll("a", List.of(new UserMessage("1"), new AssistantMessage("2")));
    repository.saveAll("b", List.of(new UserMessage("x")));
    repository.saveAll("a", List.of(new UserMessage("3")));
    assertThat(repository.findByConversationId("a")).containsExactly(new UserMessage("3"));
    assertThat(repository.findConversationIds()).containsExactly("a", "b");

    repository.deleteByConversationId("a");
    assertThat(repository.findByConversationId("a")).isEmpty();
    assertThat(repository.findConversationIds()).containsExactly("b");
    assertThat(store.get(repository.key("a"))).isEmpty();
  }

  @Test
  void anEmptyConversationIsKept() {
    repository.saveAll("empty", List.of());
    assertThat(repository.findByConversationId("empty")).isEmpty();
    assertThat(repository.findConversationIds()).containsExactly("empty");
  }

  @Test
  void keysUseThePrefix() {
    TieredChatMemoryRepository other =
        TieredChatMemoryRepository.builder(store).prefix("agent-7/").build();
    other.saveAll("a", List.of(new UserMessage("other")));
    repository.saveAll("a", List.of(new UserMessage("default")));
    assertThat(other.key("a")).isEqualTo("agent-7/conversation:a");
    assertThat(other.indexKey()).isEqualTo("agent-7/conversations");
    assertThat(repository.key("a")).isEqualTo("spring-ai:chat:conversation:a");
    assertThat(other.findByConversationId("a")).containsExactly(new UserMessage("other"));
    assertThat(repository.findByConversationId("a")).containsExactly(new UserMessage("default"));
  }

  @Test
  void badIdsAreRefusedNamingTheId() {
    char[] chars = new char[600];
    Arrays.fill(chars, 'x');
    String tooLong = new String(chars);
    assertThatThrownBy(() -> repository.saveAll(tooLong, List.of(new UserMessage("m"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("conversation id 'xxxxx")
        .hasMessageContaining("at most 512 chars");
    assertThatThrownBy(() -> repository.findByConversationId("tab\there"))
        .isInstanceOf(IllegalArgumentException.class)
        // quoted as the store quotes keys: the control character escaped
        .hasMessageContaining("conversation id 'tab\\u0009here'")
        .hasMessageContaining("control characters");
    assertThatThrownBy(() -> repository.saveAll("", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("conversationId cannot be null or empty");
    List<Message> withNull = new ArrayList<>();
    withNull.add(null);
    assertThatThrownBy(() -> repository.saveAll("a", withNull))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("null elements");
    assertThat(repository.findConversationIds()).isEmpty();
  }

  @Test
  void theStoresLimitsApply() {
    TieredChatMemoryRepository limited =
        TieredChatMemoryRepository.builder(store)
            .limits(MemoryLimits.defaults().withMaxKeyLength(40).withMaxContentLength(200))
            .build();
    assertThatThrownBy(() -> limited.key("a-conversation-id-of-thirty-chars"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("conversation id 'a-conversation-id-of-thirty-chars'")
        .hasMessageContaining("at most 40 chars");
    assertThatThrownBy(() -> limited.saveAll("long", List.of(new UserMessage("y".repeat(300)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("conversation 'long' cannot be stored")
        .hasMessageContaining("limit is 200");
    assertThatThrownBy(
            () ->
                TieredChatMemoryRepository.builder(store)
                    .limits(MemoryLimits.defaults().withMaxKeyLength(10))
                    .prefix("a-long-prefix:")
                    .build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  record Usage(int promptTokens, String model) {}

  @Test
  void valuesOfOtherClassesComeBackAsTheirJsonStructure() {
    repository.saveAll(
        "a",
        List.of(
            UserMessage.builder()
                .text("hi")
                .metadata(java.util.Map.of("usage", new Usage(12, "m-1")))
                .build()));
    assertThat(repository.findByConversationId("a").get(0).getMetadata().get("usage"))
        .isEqualTo(java.util.Map.of("promptTokens", 12, "model", "m-1"));
  }

  @Test
  void theSerializedFormIsReadable() {
    repository.saveAll("a", List.of(new UserMessage("hi")));
    assertThat(store.get(repository.key("a")).orElseThrow().content())
        .isEqualTo(
            "{\"format\":1,\"messages\":[{\"type\":\"USER\",\"text\":\"hi\",\"metadata\":{}}]}");
  }
}
