/**
 * LangChain4j adapters for a {@link io.tieredmemory.core.TieredMemory}: {@link
 * io.tieredmemory.langchain4j.TieredChatMemoryStore}, a {@code ChatMemoryStore} that keeps each
 * conversation as one memory (so {@code MessageWindowChatMemory} and {@code TokenWindowChatMemory}
 * get hot, warm and archived conversations), {@link
 * io.tieredmemory.langchain4j.TieredEmbeddingStore}, an {@code EmbeddingStore} of text segments
 * that keeps each embedding as one memory with its vector, searchable in every tier, and {@link
 * io.tieredmemory.langchain4j.LangChain4jEmbedder}, an {@link io.tieredmemory.core.spi.Embedder}
 * over any LangChain4j {@code EmbeddingModel}. Types are non-null unless annotated
 * {@code @Nullable}.
 */
@NullMarked
package io.tieredmemory.langchain4j;

import org.jspecify.annotations.NullMarked;
