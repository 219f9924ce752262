package io.tieredmemory.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/langchain4j.md's example, end to end: an {@link AiServices} assistant whose chat memories
 * live in a {@link TieredChatMemoryStore}; a conversation archived to COLD is what the model sees
 * when the user comes back.
 */
class AiServicesExampleTest {

  /** The assistant of the example. */
  public interface Assistant {
    String chat(@MemoryId String user, @dev.langchain4j.service.UserMessage String text);
  }

  /** A chat model that answers with what it was sent: the last user text and how many messages. */
  static final class EchoModel implements ChatModel {
    @Override
    public ChatResponse doChat(ChatRequest request) {
      List<ChatMessage> messages = request.messages();
      UserMessage last = (UserMessage) messages.get(messages.size() - 1);
      return ChatResponse.builder()
          .aiMessage(AiMessage.from(last.singleText() + " (" + messages.size() + " messages)"))
          .build();
    }
  }

  @Test
  void anAssistantRemembers_acrossTiers() {
    ManualClock clock = new ManualClock();
    try (TieredMemory memory =
        TieredMemory.builder("assistant")
            .clock(clock)
            .policy(ChatMemoryStoreScenarios.FAST)
            .disableScheduledSweeps()
            .discoverObservers(false)
            .build()) {
      TieredChatMemoryStore store =
          TieredChatMemoryStore.builder(memory).keyPrefix("chat:").build();
      Assistant assistant =
          AiServices.builder(Assistant.class)
              .chatModel(new EchoModel())
              .chatMemoryProvider(
                  id ->
                      MessageWindowChatMemory.builder()
                          .id(id)
                          .maxMessages(20)
                          .chatMemoryStore(store)
                          .build())
              .build();

      assertThat(assistant.chat("alice", "hi")).isEqualTo("hi (1 messages)");
      assertThat(assistant.chat("bob", "hello")).isEqualTo("hello (1 messages)");
      assertThat(assistant.chat("alice", "again")).isEqualTo("again (3 messages)");

      clock.advance(Duration.ofSeconds(90));
      memory.sweep();
      clock.advance(Duration.ofMinutes(3));
      assertThat(memory.sweep().archived()).isEqualTo(2);
      assertThat(memory.stats().tier(Tier.COLD).items()).isEqualTo(2);

      assertThat(assistant.chat("alice", "back")).isEqualTo("back (5 messages)");
      assertThat(store.getMessages("alice"))
          .containsExactly(
              UserMessage.from("hi"),
              AiMessage.from("hi (1 messages)"),
              UserMessage.from("again"),
              AiMessage.from("again (3 messages)"),
              UserMessage.from("back"),
              AiMessage.from("back (5 messages)"));
      assertThat(store.getMessages("bob")).hasSize(2);
    }
  }
}
