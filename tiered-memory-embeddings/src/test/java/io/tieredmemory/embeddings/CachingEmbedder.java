package io.tieredmemory.embeddings;

import io.tieredmemory.core.spi.Embedder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Embeds each distinct text once (the stores embed a memory when it enters a searchable tier and a
 * query on every search; the evaluation runs the same texts through several stores), and measures
 * the time the model spends.
 */
final class CachingEmbedder implements Embedder {
  private final String name;
  private final Embedder delegate;
  private final Map<String, float[]> cache = new ConcurrentHashMap<>();
  private final AtomicInteger computed = new AtomicInteger();
  private final AtomicLong nanos = new AtomicLong();

  CachingEmbedder(String name, Embedder delegate) {
    this.name = name;
    this.delegate = delegate;
  }

  String name() {
    return name;
  }

  @Override
  public int dimension() {
    return delegate.dimension();
  }

  @Override
  public float[] embed(String text) {
    return cache
        .computeIfAbsent(
            text,
            t -> {
              long start = System.nanoTime();
              float[] v = delegate.embed(t);
              nanos.addAndGet(System.nanoTime() - start);
              computed.incrementAndGet();
              return v;
            })
        .clone();
  }

  /** How many texts the model embedded. */
  int computed() {
    return computed.get();
  }

  /** The mean time the model took per text, in milliseconds. */
  double meanMillis() {
    int n = computed.get();
    return n == 0 ? 0 : nanos.get() / 1e6 / n;
  }

  @Override
  public String toString() {
    return name;
  }
}
