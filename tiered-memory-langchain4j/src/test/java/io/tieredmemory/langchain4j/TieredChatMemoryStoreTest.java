package io.tieredmemory.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import io.tieredmemory.core.MemoryLimits;
import io.tieredmemory.core.TieredMemory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Ids, keys, errors and the window, on the in-process tiers. */
class TieredChatMemoryStoreTest {
  private final TieredMemory memory =
      TieredMemory.builder("chat")
          .limits(MemoryLimits.defaults().withMaxKeyLength(40).withMaxContentLength(2_000))
          .disableScheduledSweeps()
          .discoverObservers(false)
          .build();

  @AfterEach
  void close() {
    memory.close();
  }

  @Test
  void keys_areThePrefixAndTheIdsString() {
    assertThat(TieredChatMemoryStore.of(memory).keyOf("u-1")).isEqualTo("chat:u-1");
    assertThat(TieredChatMemoryStore.of(memory).keyOf(42)).isEqualTo("chat:42");
    TieredChatMemoryStore agent = TieredChatMemoryStore.builder(memory).keyPrefix("a1/").build();
    assertThat(agent.keyOf("u-1")).isEqualTo("a1/u-1");
    assertThat(agent.keyPrefix()).isEqualTo("a1/");
    assertThat(agent.memory()).isSameAs(memory);
  }

  @Test
  void twoPrefixes_keepTwoAgentsConversationsApart() {
    TieredChatMemoryStore a = TieredChatMemoryStore.builder(memory).keyPrefix("a:").build();
    TieredChatMemoryStore b = TieredChatMemoryStore.builder(memory).keyPrefix("b:").build();
    a.updateMessages("u", List.of(UserMessage.from("to a")));
    b.updateMessages("u", List.of(UserMessage.from("to b")));
    assertThat(a.getMessages("u")).containsExactly(UserMessage.from("to a"));
    assertThat(b.getMessages("u")).containsExactly(UserMessage.from("to b"));
    a.deleteMessages("u");
    assertThat(a.getMessages("u")).isEmpty();
    assertThat(b.getMessages("u")).hasSize(1);
  }

  @Test
  void anUnknownId_hasNoMessages_andAMutableList() {
    TieredChatMemoryStore store = TieredChatMemoryStore.of(memory);
    List<ChatMessage> none = store.getMessages("nobody");
    assertThat(none).isEmpty();
    none.add(UserMessage.from("callers may add to it"));
  }

  @Test
  void aNullId_isRefused() {
    TieredChatMemoryStore store = TieredChatMemoryStore.of(memory);
    assertThatThrownBy(() -> store.getMessages(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("chat memory id must not be null");
  }

  @Test
  void anIdWithoutAToStringOfItsOwn_isRefused_naming_itsClass() {
    TieredChatMemoryStore store = TieredChatMemoryStore.of(memory);
    Object id = new Object();
    assertThatThrownBy(() -> store.updateMessages(id, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Object, which keeps Object.toString()");
  }

  @Test
  void anIdTooLongForTheStoresKeys_isRefused_namingTheIdAndKey_andNothingIsWritten() {
    TieredChatMemoryStore store = TieredChatMemoryStore.of(memory);
    String id = "a-conversation-id-longer-than-forty-chars";
    for (Runnable call :
        List.<Runnable>of(
            () -> store.updateMessages(id, List.of(UserMessage.from("hi"))),
            () -> store.getMessages(id),
            () -> store.deleteMessages(id))) {
      assertThatThrownBy(call::run)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(
              "the store refused chat memory id '" + id + "' (key 'chat:" + id + "'): ")
          .hasMessageContaining("key must be at most 40 chars");
    }
    assertThat(memory.stats().tier(io.tieredmemory.core.Tier.WARM).items()).isZero();
  }

  @Test
  void anIdWithAControlCharacter_isRefused() {
    TieredChatMemoryStore store = TieredChatMemoryStore.of(memory);
    assertThatThrownBy(() -> store.getMessages("a\nb"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("chat memory id 'a\\u000Ab'")
        .hasMessageContaining("control characters");
  }

  @Test
  void aListOverTheContentLimit_isRefused_namingTheId_withAHint_andTheOldListStays() {
    TieredChatMemoryStore store = TieredChatMemoryStore.of(memory);
    store.updateMessages("big", List.of(UserMessage.from("small")));
    List<ChatMessage> big = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      big.add(UserMessage.from("message number " + i));
    }
    assertThatThrownBy(() -> store.updateMessages("big", big))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the store refused chat memory id 'big' (key 'chat:big'): ")
        .hasMessageContaining("content must be at most 2000 chars")
        .hasMessageContaining("MessageWindowChatMemory's maxMessages");
    assertThat(store.getMessages("big")).containsExactly(UserMessage.from("small"));
  }

  @Test
  void nullMessages_areRefused() {
    TieredChatMemoryStore store = TieredChatMemoryStore.of(memory);
    assertThatThrownBy(() -> store.updateMessages("u", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("messages must not be null (chat memory id 'u')");
    assertThatThrownBy(() -> store.updateMessages("u", Arrays.asList(UserMessage.from("a"), null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("messages must not hold null, found one at index 1 (chat memory id 'u')");
  }

  @Test
  void aMemoryThatIsNotAConversation_failsClearly() {
    TieredChatMemoryStore store = TieredChatMemoryStore.of(memory);
    memory.put("chat:notes", "just a note, not JSON");
    assertThatThrownBy(() -> store.getMessages("notes"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "the memory 'chat:notes' of chat memory id 'notes' does not hold LangChain4j chat"
                + " messages");
  }

  @Test
  void aBadPrefix_orNoMemory_isRefusedByTheBuilder() {
    assertThatThrownBy(() -> TieredChatMemoryStore.builder(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("memory must not be null");
    assertThatThrownBy(() -> TieredChatMemoryStore.builder(memory).keyPrefix(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keyPrefix must not be null");
    assertThatThrownBy(() -> TieredChatMemoryStore.builder(memory).keyPrefix("a\tb"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keyPrefix must not contain control characters, found U+0009");
  }

  @Test
  void messageWindowChatMemory_keepsTheWindow_andClearDeletes() {
    TieredChatMemoryStore store = TieredChatMemoryStore.of(memory);
    ChatMemory chat =
        MessageWindowChatMemory.builder().id("w").maxMessages(3).chatMemoryStore(store).build();
    for (int i = 0; i < 5; i++) {
      chat.add(UserMessage.from("q" + i));
      chat.add(AiMessage.from("a" + i));
    }
    assertThat(store.getMessages("w"))
        .containsExactly(AiMessage.from("a3"), UserMessage.from("q4"), AiMessage.from("a4"));
    assertThat(memory.get("chat:w").orElseThrow().metadata())
        .containsEntry(TieredChatMemoryStore.COUNT_METADATA, "3");
    chat.clear();
    assertThat(memory.get("chat:w")).isEmpty();
  }
}
