/**
 * A real sentence-embedding model for search, offline: {@link
 * io.tieredmemory.embeddings.MiniLmEmbedder} (all-MiniLM-L6-v2 run in process).
 */
@NullMarked
package io.tieredmemory.embeddings;

import org.jspecify.annotations.NullMarked;
