package io.tieredmemory.springai;

import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.spi.KeyCoordinator;
import org.springframework.ai.chat.memory.ChatMemoryRepository;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * A {@link ChatMemoryRepository} bean on the application's {@link TieredMemory} ({@link
 * TieredChatMemoryRepository}), when there is one store and no repository of the application's own.
 * It comes before Spring AI's {@code ChatMemoryAutoConfiguration}, whose in-memory repository it
 * replaces (its {@code ChatMemory}, a {@code MessageWindowChatMemory}, then keeps its conversations
 * in the store). Keys start with {@code tiered-memory.spring-ai.chat-memory.prefix} (default
 * {@value TieredChatMemoryRepository#DEFAULT_PREFIX}).
 */
@AutoConfiguration(
    afterName = "io.tieredmemory.spring.autoconfigure.TieredMemoryAutoConfiguration",
    beforeName =
        "org.springframework.ai.model.chat.memory.autoconfigure.ChatMemoryAutoConfiguration")
@ConditionalOnClass({ChatMemoryRepository.class, TieredMemory.class})
public class TieredChatMemoryAutoConfiguration {

  /** The repository on the store. */
  @Bean
  @ConditionalOnSingleCandidate(TieredMemory.class)
  @ConditionalOnMissingBean(ChatMemoryRepository.class)
  TieredChatMemoryRepository tieredChatMemoryRepository(
      TieredMemory store,
      ObjectProvider<KeyCoordinator> coordinators,
      @Value(
              "${tiered-memory.spring-ai.chat-memory.prefix:"
                  + TieredChatMemoryRepository.DEFAULT_PREFIX
                  + "}")
          String prefix) {
    TieredChatMemoryRepository.Builder builder =
        TieredChatMemoryRepository.builder(store).prefix(prefix);
    coordinators.ifUnique(builder::coordinator);
    return builder.build();
  }
}
