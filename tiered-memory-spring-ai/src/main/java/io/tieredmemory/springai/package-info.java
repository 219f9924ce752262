/**
 * Spring AI on a {@link io.tieredmemory.core.TieredMemory} (Spring AI 2 in {@code
 * tiered-memory-spring-ai}, Spring AI 1.1 in {@code tiered-memory-spring-ai1}, both from these
 * sources): {@link io.tieredmemory.springai.TieredChatMemoryRepository} (Spring AI's {@code
 * ChatMemoryRepository}), {@link io.tieredmemory.springai.TieredVectorStore} (Spring AI's {@code
 * VectorStore}), {@link io.tieredmemory.springai.SpringAiEmbedder} (an {@code Embedder} over Spring
 * AI's {@code EmbeddingModel}), and their Spring Boot auto-configuration ({@link
 * io.tieredmemory.springai.TieredMemorySpringAiAutoConfiguration}, {@link
 * io.tieredmemory.springai.TieredChatMemoryAutoConfiguration}, {@link
 * io.tieredmemory.springai.TieredVectorStoreAutoConfiguration}).
 */
@NullMarked
package io.tieredmemory.springai;

import org.jspecify.annotations.NullMarked;
