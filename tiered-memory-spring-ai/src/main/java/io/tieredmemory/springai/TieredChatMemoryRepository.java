package io.tieredmemory.springai;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.MemoryLimits;
import io.tieredmemory.core.RecallSource;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.spi.KeyCoordinator;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.memory.ChatMemoryRepository;
import org.springframework.ai.chat.messages.Message;

/**
 * Spring AI's {@link ChatMemoryRepository} on a {@link TieredMemory}: each conversation is one
 * memory, so a live conversation stays in HOT while old ones are demoted and archived like any
 * other memory, and come back whole when read.
 *
 * <pre>{@code
 * ChatMemoryRepository repository = TieredChatMemoryRepository.builder(store).build();
 * ChatMemory chatMemory =
 *     MessageWindowChatMemory.builder().chatMemoryRepository(repository).maxMessages(20).build();
 * }</pre>
 *
 * <h2>Keys</h2>
 *
 * Conversation {@code id} is stored under the key {@code <prefix>conversation:<id>}; the list of
 * conversation ids under {@code <prefix>conversations}. The prefix defaults to {@value
 * #DEFAULT_PREFIX}. An id whose key the store would refuse (too long for {@link
 * MemoryLimits#maxKeyLength()}, control characters, unpaired surrogates) is refused with an {@link
 * IllegalArgumentException} naming the id, before anything is written; pass the store's limits to
 * {@link Builder#limits(MemoryLimits)} when they are not the defaults.
 *
 * <h2>What is kept</h2>
 *
 * Every message type round-trips with all it carries: its type, text and metadata (with the Java
 * types of common values: numbers, {@code Instant}, enums, lists, maps...), a {@code UserMessage}'s
 * or {@code AssistantMessage}'s media (id, name, MIME type, and the data as {@code byte[]}, {@code
 * String} or {@code URL}), an {@code AssistantMessage}'s tool calls, a {@code
 * ToolResponseMessage}'s responses. Spring AI's JDBC repository keeps only type, text and a
 * timestamp, and drops tool messages. Messages come back in the order they were saved. A
 * conversation is stored as JSON ({@code {"format":1,"messages":[...]}}) in the memory's content,
 * which the store limits to {@link MemoryLimits#maxContentLength()} chars: a longer conversation is
 * refused with an {@link IllegalArgumentException} naming the id.
 *
 * <h2>Concurrency</h2>
 *
 * {@link #saveAll} replaces a conversation with one {@code put}, so a reader sees the old or the
 * new messages, never a mix. The store has no atomic read-modify-write, so the id list is updated
 * by read, merge, write and read-back, and in one process these updates are serialized by this
 * repository: no id is lost. Between processes sharing the servers, give every instance's store
 * ({@code TieredMemory.Builder.coordinator}) and repository ({@link
 * Builder#coordinator(KeyCoordinator)}) the {@link KeyCoordinator} they share (e.g. a {@code
 * PostgresKeyCoordinator} with one namespace): the update then runs under its lock on {@code
 * <prefix>conversations#lock}, and no id is lost either. (Stores that each keep an in-process
 * coordinator believe themselves alone: a put's HOT copy, made after it returned, could then land
 * after another instance's newer write.) Without it, two instances adding ids at the same instant
 * can overwrite each other's addition (3 to 14 of 60 ids in runs of a test of two instances saving
 * new conversations at once): the read-back catches some and retries; a lost id comes back with the
 * conversation's next {@code saveAll} (every call re-checks the list), so {@link
 * #findConversationIds()} is at most one turn behind. Conversations themselves are never lost by
 * this race.
 */
public final class TieredChatMemoryRepository implements ChatMemoryRepository {

  /** The default key prefix. */
  public static final String DEFAULT_PREFIX = "spring-ai:chat:";

  /** Metadata entry on every memory this repository writes: what it holds. */
  public static final String KIND_METADATA = "spring-ai.kind";

  private static final int INDEX_ATTEMPTS = 5;
  private static final System.Logger LOG =
      System.getLogger(TieredChatMemoryRepository.class.getName());

  private final TieredMemory store;
  private final String prefix;
  private final MemoryLimits limits;
  private final MessageCodec codec;
  private final JsonMapping json;
  private final Object indexLock = new Object();
  private final @Nullable KeyCoordinator coordinator;

  private TieredChatMemoryRepository(Builder b) {
    this.store = b.store;
    this.prefix = b.prefix;
    this.limits = b.limits;
    this.json = b.json();
    this.codec = new MessageCodec(json);
    this.coordinator = b.coordinator;
    limits.checkKey(indexKey());
  }

  /** A builder of a repository on {@code store}. */
  public static Builder builder(TieredMemory store) {
    return new Builder(store);
  }

  /** The store. */
  public TieredMemory store() {
    return store;
  }

  /** The key prefix. */
  public String prefix() {
    return prefix;
  }

  /** The key of conversation {@code conversationId}, checked against the store's key limits. */
  public String key(String conversationId) {
    requireId(conversationId);
    String key = prefix + "conversation:" + conversationId;
    try {
      limits.checkKey(key);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "conversation id "
              + MemoryLimits.quote(conversationId)
              + " cannot be stored: its key "
              + MemoryLimits.quote(key)
              + " is refused ("
              + e.getMessage()
              + ")",
          e);
    }
    return key;
  }

  /** The key of the list of conversation ids. */
  public String indexKey() {
    return prefix + "conversations";
  }

  /** The ids of the stored conversations, oldest first. */
  @Override
  public List<String> findConversationIds() {
    return new ArrayList<>(readIndex());
  }

  /** The messages of conversation {@code conversationId}, in order; empty when there is none. */
  @Override
  public List<Message> findByConversationId(String conversationId) {
    Optional<Memory> m = store.get(key(conversationId), RecallSource.SPRING_AI_CHAT);
    if (m.isEmpty()) {
      return new ArrayList<>();
    }
    return codec.read(m.get().content(), "conversation " + MemoryLimits.quote(conversationId));
  }

  /** Replaces conversation {@code conversationId} with {@code messages}. */
  @Override
  public void saveAll(String conversationId, List<Message> messages) {
    String key = key(conversationId);
    Objects.requireNonNull(messages, "messages cannot be null");
    for (int i = 0; i < messages.size(); i++) {
      if (messages.get(i) == null) {
        throw new IllegalArgumentException(
            "messages cannot contain null elements (index " + i + ")");
      }
    }
    String content = codec.write(messages);
    if (content.length() > limits.maxContentLength()) {
      throw new IllegalArgumentException(
          "conversation "
              + MemoryLimits.quote(conversationId)
              + " cannot be stored: its "
              + messages.size()
              + " messages take "
              + content.length()
              + " chars, the store's limit is "
              + limits.maxContentLength()
              + " (MemoryLimits.maxContentLength); keep fewer messages, e.g. with"
              + " MessageWindowChatMemory.maxMessages");
    }
    addToIndex(conversationId);
    store.put(key, content, Map.of(KIND_METADATA, "conversation"));
  }

  /** Deletes conversation {@code conversationId}; nothing happens when there is none. */
  @Override
  public void deleteByConversationId(String conversationId) {
    store.delete(key(conversationId));
    removeFromIndex(conversationId);
  }

  private void addToIndex(String id) {
    updateIndex(id, true);
  }

  private void removeFromIndex(String id) {
    updateIndex(id, false);
  }

  private void updateIndex(String id, boolean add) {
    synchronized (indexLock) {
      if (coordinator == null) {
        if (!updateIndexLocked(id, add)) {
          // The documented race between instances without a shared coordinator: the conversation
          // is saved, and its id is written again by its next saveAll. Never a caller's failure.
          LOG.log(
              System.Logger.Level.DEBUG,
              () ->
                  "conversation id "
                      + MemoryLimits.quote(id)
                      + " left for the next save: other instances keep rewriting "
                      + MemoryLimits.quote(indexKey()));
        }
        return;
      }
      // a key of its own: the store's put of the list takes the list's key, and locks are not
      // reentrant
      try (KeyCoordinator.Lease lease = coordinator.lock(indexKey() + "#lock")) {
        if (!updateIndexLocked(id, add)) {
          throw new IllegalStateException(
              "could not "
                  + (add ? "add" : "remove")
                  + " conversation id "
                  + MemoryLimits.quote(id)
                  + (add ? " to" : " from")
                  + " the list under "
                  + MemoryLimits.quote(indexKey())
                  + " in "
                  + INDEX_ATTEMPTS
                  + " attempts under the coordinator's lock: is every instance given the same"
                  + " coordinator?");
        }
      }
    }
  }

  /** Read, merge, write, read back; whether the list has the change, after a few attempts. */
  private boolean updateIndexLocked(String id, boolean add) {
    for (int attempt = 0; attempt < INDEX_ATTEMPTS; attempt++) {
      Set<String> ids = readIndex();
      if (ids.contains(id) == add) {
        return true;
      }
      if (add) {
        ids.add(id);
      } else {
        ids.remove(id);
      }
      store.put(indexKey(), json.write(ids), Map.of(KIND_METADATA, "index"));
      if (readIndex().contains(id) == add) {
        return true;
      }
      // another instance wrote the list between our read and our write: merge again
    }
    return false;
  }

  private Set<String> readIndex() {
    Optional<Memory> m = store.get(indexKey());
    Set<String> ids = new LinkedHashSet<>();
    if (m.isEmpty()) {
      return ids;
    }
    try {
      for (Object o : json.read(m.get().content(), List.class)) {
        ids.add(String.valueOf(o));
      }
    } catch (JsonFailure e) {
      throw new IllegalStateException(
          "the list of conversation ids under "
              + MemoryLimits.quote(indexKey())
              + " is not a JSON array",
          e);
    }
    return ids;
  }

  private static void requireId(String conversationId) {
    if (conversationId == null || conversationId.isEmpty()) {
      throw new IllegalArgumentException("conversationId cannot be null or empty");
    }
  }

  /** Builds a {@link TieredChatMemoryRepository}. */
  public static final class Builder extends Json.MapperOption<Builder> {
    private final TieredMemory store;
    private String prefix = DEFAULT_PREFIX;
    private MemoryLimits limits = MemoryLimits.defaults();
    private @Nullable KeyCoordinator coordinator;

    private Builder(TieredMemory store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    /** The key prefix (default {@value TieredChatMemoryRepository#DEFAULT_PREFIX}). */
    public Builder prefix(String prefix) {
      this.prefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /** The store's limits, when they are not {@link MemoryLimits#defaults()}. */
    public Builder limits(MemoryLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    @Override
    Builder self() {
      return this;
    }

    /**
     * The coordinator the instances sharing the store's servers share (not closed by the
     * repository): the id list is then updated under its lock, and no instance loses another's ids.
     * Not needed in a single process.
     */
    public Builder coordinator(KeyCoordinator coordinator) {
      this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
      return this;
    }

    /**
     * The repository.
     *
     * @throws IllegalArgumentException when the prefix makes keys the store would refuse
     */
    public TieredChatMemoryRepository build() {
      return new TieredChatMemoryRepository(this);
    }
  }
}
