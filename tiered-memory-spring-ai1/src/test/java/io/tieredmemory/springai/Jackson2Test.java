package io.tieredmemory.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.tieredmemory.core.TieredMemory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.UserMessage;

/** The Spring AI 1 module's JSON: Jackson 2's mapper, read as strictly as Jackson 3 reads. */
class Jackson2Test {

  private final TieredMemory store =
      TieredMemory.builder("jackson2").discoverObservers(false).disableScheduledSweeps().build();

  @AfterEach
  void close() {
    store.close();
  }

  record Usage(int promptTokens, String model) {}

  @Test
  void theRepositoryConvertsWithTheJackson2MapperItIsGiven() {
    TieredChatMemoryRepository repository =
        TieredChatMemoryRepository.builder(store)
            .jsonMapper(
                JsonMapper.builder()
                    .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                    .build())
            .build();
    repository.saveAll(
        "a",
        List.of(
            UserMessage.builder()
                .text("hi")
                .metadata(Map.of("usage", new Usage(12, "m")))
                .build()));
    assertThat(repository.findByConversationId("a").get(0).getMetadata().get("usage"))
        .isEqualTo(Map.of("prompt_tokens", 12, "model", "m"));
  }

  @Test
  void aValueJackson2CannotConvert_isRefused_namingTheMessageAndTheKey() {
    TieredChatMemoryRepository repository = TieredChatMemoryRepository.builder(store).build();
    assertThatThrownBy(
            () ->
                repository.saveAll(
                    "a",
                    List.of(
                        UserMessage.builder()
                            .text("hi")
                            .metadata(Map.of("opaque", new Object()))
                            .build())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("message 0: metadata opaque holds a java.lang.Object")
        .hasMessageContaining("Jackson cannot write");
    assertThat(repository.findConversationIds()).isEmpty();
  }

  @Test
  void textAfterTheJson_isNotJson() {
    assertThat(DocumentMetadataCodec.decodeValue("true story")).isEqualTo("true story");
    assertThat(DocumentMetadataCodec.decodeValue("12 apples")).isEqualTo("12 apples");
    assertThat(DocumentMetadataCodec.decodeValue("12")).isEqualTo(12);
    store.put("spring-ai:chat:conversation:x", "{\"format\":1,\"messages\":[]} and more", Map.of());
    TieredChatMemoryRepository repository = TieredChatMemoryRepository.builder(store).build();
    assertThatThrownBy(() -> repository.findByConversationId("x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("conversation 'x' is not a stored conversation");
  }
}
