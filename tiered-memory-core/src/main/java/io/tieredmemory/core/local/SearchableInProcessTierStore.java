package io.tieredmemory.core.local;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.ScoredMemory;
import io.tieredmemory.core.spi.VectorSearch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;

/** An in-process tier that keeps each memory's vector and answers exact cosine searches. */
final class SearchableInProcessTierStore extends InProcessTierStore {
  private final Embedder embedder;

  SearchableInProcessTierStore(Embedder embedder, boolean warm) {
    super("in-process", warm);
    this.embedder = embedder;
  }

  @Override
  float[] vectorFor(Memory memory) {
    return embedder.embed(memory.content());
  }

  private final Optional<VectorSearch> vectorSearch = Optional.of(this::search);

  @Override
  public Optional<VectorSearch> vectorSearch() {
    return vectorSearch;
  }

  private List<ScoredMemory> search(float[] queryVector, String queryText, int k) {
    VectorSearch.checkQuery(queryVector, k, embedder);
    Comparator<ScoredMemory> bySimilarity =
        Comparator.comparingDouble(ScoredMemory::similarity)
            .thenComparing(s -> s.memory().key(), Comparator.reverseOrder());
    PriorityQueue<ScoredMemory> best = new PriorityQueue<>(k + 1, bySimilarity);
    for (Entry e : memories()) {
      if (e.vector == null) {
        continue; // never here: this tier keeps a vector with every memory
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
