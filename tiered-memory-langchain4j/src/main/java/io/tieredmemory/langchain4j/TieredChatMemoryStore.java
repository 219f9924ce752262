package io.tieredmemory.langchain4j;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageDeserializer;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.store.memory.chat.ChatMemoryStore;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.MemoryLimits;
import io.tieredmemory.core.RecallSource;
import io.tieredmemory.core.TieredMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A LangChain4j {@link ChatMemoryStore} on a {@link TieredMemory}: the messages of each chat memory
 * id are one memory, so a live conversation is served from HOT, an idle one is demoted to WARM and
 * an old one archived to COLD (where it stays searchable, and from where a {@link
 * #getMessages(Object)} brings it back).
 *
 * <pre>{@code
 * TieredChatMemoryStore store = TieredChatMemoryStore.builder(memory).keyPrefix("chat:").build();
 * ChatMemoryProvider chats = id -> MessageWindowChatMemory.builder()
 *     .id(id)
 *     .maxMessages(20)
 *     .chatMemoryStore(store)
 *     .build();
 * Assistant assistant = AiServices.builder(Assistant.class)
 *     .chatModel(model)
 *     .chatMemoryProvider(chats)
 *     .build();
 * }</pre>
 *
 * <h2>Ids and keys</h2>
 *
 * A chat memory id (any object) is the memory under the key {@link Builder#keyPrefix key prefix} +
 * {@code id.toString()} ({@code "chat:" + id} by default; see {@link #keyOf(Object)}). Ids must
 * therefore have a {@code toString()} that is stable across processes and restarts (a {@code
 * String}, a {@code UUID}, a number, an enum, a record of such): an id whose class keeps {@link
 * Object#toString()} is refused. Ids whose strings are equal name the same conversation ({@code 42}
 * and {@code "42"} do). A key the store refuses (too long for its {@link
 * io.tieredmemory.core.MemoryLimits MemoryLimits}, blank, with control characters) throws {@link
 * IllegalArgumentException} naming the id and the key, before any tier is called.
 *
 * <h2>What is stored</h2>
 *
 * The memory's content is LangChain4j's own JSON for the list ({@link
 * ChatMessageSerializer#messagesToJson(List)}), read back with {@link
 * ChatMessageDeserializer#messagesFromJson(String)}: every message type LangChain4j serializes
 * (system, user with text, image, audio, video and PDF contents, AI with thinking, tool execution
 * requests and attributes, tool execution results, custom messages) comes back equal, in order, and
 * as the very same JSON, from any tier. The memory's metadata are {@value #KIND_METADATA}{@code =}
 * {@value #KIND} and {@value #COUNT_METADATA}{@code =} the number of messages. The whole list must
 * fit the store's maximum content length (1,000,000 chars by default): a window of messages ({@code
 * MessageWindowChatMemory}, {@code TokenWindowChatMemory}) keeps it bounded; a list over it throws
 * {@link IllegalArgumentException} naming the id, and nothing is written.
 *
 * <h2>Concurrency</h2>
 *
 * As LangChain4j's contract says, {@link #updateMessages} replaces the whole list of an id: each
 * call is one {@link TieredMemory#put}, atomic per key (the store's key lock), so concurrent
 * updates of the same id never interleave and the last writer wins; a read-modify-write that two
 * callers run at once on one id (two {@code ChatMemory} instances adding to one conversation
 * together) can therefore lose the earlier writer's message, as with every {@code ChatMemoryStore}.
 * Different ids never affect each other. This class holds no state of its own and is thread-safe;
 * it does not own the {@link TieredMemory} (close that yourself).
 */
public final class TieredChatMemoryStore implements ChatMemoryStore {

  /** The key prefix unless {@link Builder#keyPrefix} says otherwise. */
  public static final String DEFAULT_KEY_PREFIX = "chat:";

  /** The metadata key that marks a memory as a LangChain4j conversation. */
  public static final String KIND_METADATA = "langchain4j";

  /** The value of {@link #KIND_METADATA}. */
  public static final String KIND = "chat-messages";

  /** The metadata key holding the number of messages stored. */
  public static final String COUNT_METADATA = "messages";

  private final TieredMemory memory;
  private final String keyPrefix;

  private TieredChatMemoryStore(Builder b) {
    this.memory = b.memory;
    this.keyPrefix = b.keyPrefix;
  }

  /** A store on {@code memory} with the default key prefix. */
  public static TieredChatMemoryStore of(TieredMemory memory) {
    return builder(memory).build();
  }

  /** Starts a builder for a store on {@code memory}. */
  public static Builder builder(TieredMemory memory) {
    return new Builder(memory);
  }

  /** The tiered store that holds the conversations. */
  public TieredMemory memory() {
    return memory;
  }

  /** The prefix of every key this store writes. */
  public String keyPrefix() {
    return keyPrefix;
  }

  /**
   * The key of {@code memoryId}'s messages: the key prefix followed by {@code memoryId.toString()}.
   * Whether the store accepts the key is checked by each operation (with the store's own limits).
   *
   * @throws IllegalArgumentException if {@code memoryId} is null, or its class keeps {@link
   *     Object#toString()}
   */
  public String keyOf(Object memoryId) {
    if (memoryId == null) {
      throw new IllegalArgumentException("chat memory id must not be null");
    }
    if (!overridesToString(memoryId.getClass())) {
      throw new IllegalArgumentException(
          "chat memory id "
              + MemoryLimits.quote(String.valueOf(memoryId))
              + " is a "
              + memoryId.getClass().getName()
              + ", which keeps Object.toString(): it would not name the same conversation after a"
              + " restart; use a String, a UUID, a number, an enum or a record");
    }
    return keyPrefix + memoryId;
  }

  /**
   * The messages of {@code memoryId}, oldest first, from whichever tier holds them; an empty
   * (mutable) list when there are none.
   *
   * @throws IllegalArgumentException if the id maps to a key the store refuses
   * @throws IllegalStateException if the memory under the id's key is not a list of LangChain4j
   *     messages (another writer used the key)
   */
  @Override
  public List<ChatMessage> getMessages(Object memoryId) {
    String key = keyOf(memoryId);
    Optional<Memory> found;
    try {
      found = memory.get(key, RecallSource.LANGCHAIN4J_CHAT);
    } catch (IllegalArgumentException e) {
      throw refused(memoryId, key, e);
    }
    if (found.isEmpty()) {
      return new ArrayList<>();
    }
    List<ChatMessage> messages;
    try {
      messages = ChatMessageDeserializer.messagesFromJson(found.get().content());
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "the memory "
              + MemoryLimits.quote(key)
              + " of chat memory id "
              + MemoryLimits.quote(memoryId.toString())
              + " does not hold LangChain4j chat messages (was it written by something else?): "
              + e.getMessage(),
          e);
    }
    return messages == null ? new ArrayList<>() : new ArrayList<>(messages);
  }

  /**
   * Replaces the messages of {@code memoryId} with {@code messages} (one {@link TieredMemory#put};
   * last writer wins). An empty list is stored as such; {@link #deleteMessages} removes the id.
   *
   * @throws IllegalArgumentException if {@code messages} is null or holds null, if the id maps to a
   *     key the store refuses, or the serialized list is over the store's content limits; nothing
   *     is written then
   */
  @Override
  public void updateMessages(Object memoryId, List<ChatMessage> messages) {
    String key = keyOf(memoryId);
    if (messages == null) {
      throw new IllegalArgumentException(
          "messages must not be null (chat memory id "
              + MemoryLimits.quote(memoryId.toString())
              + ")");
    }
    for (int i = 0; i < messages.size(); i++) {
      if (messages.get(i) == null) {
        throw new IllegalArgumentException(
            "messages must not hold null, found one at index "
                + i
                + " (chat memory id "
                + MemoryLimits.quote(memoryId.toString())
                + ")");
      }
    }
    String json = ChatMessageSerializer.messagesToJson(messages);
    try {
      memory.put(
          key,
          json,
          Map.of(KIND_METADATA, KIND, COUNT_METADATA, Integer.toString(messages.size())));
    } catch (IllegalArgumentException e) {
      throw refused(memoryId, key, e);
    }
  }

  /**
   * Removes the messages of {@code memoryId} from every tier. Removing an id that has none is not
   * an error.
   *
   * @throws IllegalArgumentException if the id maps to a key the store refuses
   */
  @Override
  public void deleteMessages(Object memoryId) {
    String key = keyOf(memoryId);
    try {
      memory.delete(key);
    } catch (IllegalArgumentException e) {
      throw refused(memoryId, key, e);
    }
  }

  @Override
  public String toString() {
    return "TieredChatMemoryStore["
        + memory.name()
        + ", keyPrefix="
        + MemoryLimits.quote(keyPrefix)
        + "]";
  }

  private static IllegalArgumentException refused(
      Object memoryId, String key, IllegalArgumentException e) {
    String why = String.valueOf(e.getMessage());
    String hint =
        why.startsWith("content must be at most")
            ? "; keep fewer messages (MessageWindowChatMemory's maxMessages, TokenWindowChatMemory)"
                + " or raise the store's MemoryLimits.maxContentLength"
            : "";
    return new IllegalArgumentException(
        "the store refused chat memory id "
            + MemoryLimits.quote(memoryId.toString())
            + " (key "
            + MemoryLimits.quote(key)
            + "): "
            + why
            + hint,
        e);
  }

  private static boolean overridesToString(Class<?> type) {
    try {
      return type.getMethod("toString").getDeclaringClass() != Object.class;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  /** Builds a {@link TieredChatMemoryStore}; each setter validates its argument at once. */
  public static final class Builder {
    private final TieredMemory memory;
    private String keyPrefix = DEFAULT_KEY_PREFIX;

    private Builder(TieredMemory memory) {
      if (memory == null) {
        throw new IllegalArgumentException("memory must not be null");
      }
      this.memory = memory;
    }

    /**
     * What every key starts with (default {@value TieredChatMemoryStore#DEFAULT_KEY_PREFIX}): keeps
     * conversations apart from the other memories of the store, and the conversations of two agents
     * sharing a store apart from each other. May be empty; no control characters.
     */
    public Builder keyPrefix(String prefix) {
      if (prefix == null) {
        throw new IllegalArgumentException("keyPrefix must not be null");
      }
      for (int i = 0; i < prefix.length(); i++) {
        if (Character.isISOControl(prefix.charAt(i))) {
          throw new IllegalArgumentException(
              "keyPrefix must not contain control characters, found U+"
                  + String.format("%04X", (int) prefix.charAt(i))
                  + " at index "
                  + i
                  + " in "
                  + MemoryLimits.quote(prefix));
        }
      }
      this.keyPrefix = prefix;
      return this;
    }

    /** Builds the store. */
    public TieredChatMemoryStore build() {
      return new TieredChatMemoryStore(this);
    }
  }
}
