package io.tieredmemory.core;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Who recalled memories: the label a {@link io.tieredmemory.core.event.TierEvent.Recalled} event
 * and the {@link io.tieredmemory.core.spi.TierObserver#recalled recalled} hook carry. Searches made
 * through the API are {@link #API} unless {@link SearchRequest#withSource} says otherwise; the
 * framework adapters set theirs. A label is lower-case letters, digits and {@code -}, 1 to 32
 * characters. Metrics tag only the labels of {@link #KNOWN} and count any other as {@code other},
 * so the number of series stays bounded whatever labels callers choose.
 */
public final class RecallSource {
  /** A search through {@link TieredMemory#search} with no source of its own (the default). */
  public static final String API = "api";

  /** LangChain4j's {@code EmbeddingStore} adapter ({@code TieredEmbeddingStore}). */
  public static final String LANGCHAIN4J = "langchain4j";

  /** LangChain4j's {@code ChatMemoryStore} adapter ({@code TieredChatMemoryStore}). */
  public static final String LANGCHAIN4J_CHAT = "langchain4j-chat";

  /** Spring AI's {@code VectorStore} adapter ({@code TieredVectorStore}). */
  public static final String SPRING_AI = "spring-ai";

  /** Spring AI's {@code ChatMemoryRepository} adapter ({@code TieredChatMemoryRepository}). */
  public static final String SPRING_AI_CHAT = "spring-ai-chat";

  /** The label metrics use for every source not in {@link #KNOWN}. */
  public static final String OTHER = "other";

  /** The sources metrics tag by name, in this order; any other is tagged {@link #OTHER}. */
  public static final List<String> KNOWN =
      List.of(API, LANGCHAIN4J, LANGCHAIN4J_CHAT, SPRING_AI, SPRING_AI_CHAT);

  private static final Pattern LABEL = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

  private RecallSource() {}

  /**
   * Returns {@code source} if it is a valid label.
   *
   * @throws IllegalArgumentException naming the value, if it is null or not 1-32 lower-case
   *     letters, digits and {@code -} starting with a letter or digit
   */
  public static String check(String source) {
    if (source == null || !LABEL.matcher(source).matches()) {
      throw new IllegalArgumentException(
          "source must be 1-32 lower-case letters, digits or '-', starting with a letter or digit,"
              + " was "
              + (source == null ? "null" : "'" + source + "'"));
    }
    return source;
  }

  /** {@code source} if it is one of {@link #KNOWN}, else {@link #OTHER}: the metrics' tag value. */
  public static String metricLabel(String source) {
    return KNOWN.contains(source) ? source : OTHER;
  }
}
