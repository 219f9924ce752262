package io.tieredmemory.core.local;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.SearchRequest;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.ScoredMemory;
import io.tieredmemory.core.spi.VectorSearch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/** An in-process tier that keeps each memory's vector and answers exact cosine searches. */
final class SearchableInProcessTierStore extends InProcessTierStore {
  private final Embedder embedder;

  SearchableInProcessTierStore(Embedder embedder, boolean warm) {
    super("in-process", warm);
    this.embedder = embedder;
  }

  /** The writer's embedding when the memory has one, else its content embedded. */
  @Override
  float[] vectorFor(Memory memory) {
    float[] own = memory.embedding();
    return own != null ? own : embedder.embed(memory.content());
  }

  private final Optional<VectorSearch> vectorSearch =
      Optional.of(
          new VectorSearch() {
            @Override
            public List<ScoredMemory> search(float[] queryVector, String queryText, int k) {
              return SearchableInProcessTierStore.this.search(queryVector, k, SearchRequest.ANY);
            }

            @Override
            public List<ScoredMemory> search(
                float[] queryVector, String queryText, int k, Predicate<Memory> filter) {
              return SearchableInProcessTierStore.this.search(queryVector, k, filter);
            }
          });

  @Override
  public Optional<VectorSearch> vectorSearch() {
    return vectorSearch;
  }

  /** Exact: every memory held is scored, those the filter refuses are skipped. */
  private List<ScoredMemory> search(float[] queryVector, int k, Predicate<Memory> filter) {
    VectorSearch.checkQuery(queryVector, k, embedder);
    Comparator<ScoredMemory> bySimilarity =
        Comparator.comparingDouble(ScoredMemory::similarity)
            .thenComparing(s -> s.memory().key(), Comparator.reverseOrder());
    PriorityQueue<ScoredMemory> best = new PriorityQueue<>(k + 1, bySimilarity);
    for (Entry e : memories()) {
      if (e.vector == null || !filter.test(e.memory)) {
        continue; // e.vector is never null here: this tier keeps a vector with every memory
      }
      best.add(new ScoredMemory(e.memory, Embedder.cosine(queryVector, e.vector)));
      if (best.size() > k) {
        best.poll();
      }
    }
    List<ScoredMemory> result = new ArrayList<>(best);
    result.sort(bySimilarity.reversed());
    return result;
  }
}
