/**
 * Spring AI 2 on a {@link io.tieredmemory.core.TieredMemory}: {@link
 * io.tieredmemory.springai.TieredChatMemoryRepository} (Spring AI's {@code ChatMemoryRepository}),
 * {@link io.tieredmemory.springai.TieredVectorStore} (Spring AI's {@code VectorStore}), {@link
 * io.tieredmemory.springai.SpringAiEmbedder} (an {@code Embedder} over Spring AI's {@code
 * EmbeddingModel}), and their Spring Boot auto-configuration ({@link
 * io.tieredmemory.springai.TieredMemorySpringAiAutoConfiguration}, {@link
 * io.tieredmemory.springai.TieredChatMemoryAutoConfiguration}, {@link
 * io.tieredmemory.springai.TieredVectorStoreAutoConfiguration}).
 */
@NullMarked
package io.tieredmemory.springai;

import org.jspecify.annotations.NullMarked;
