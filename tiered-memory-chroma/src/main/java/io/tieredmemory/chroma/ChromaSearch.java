package io.tieredmemory.chroma;

import io.tieredmemory.chroma.ChromaClient.Hit;
import io.tieredmemory.chroma.ChromaClient.Include;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.SearchRequest;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.ScoredMemory;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.VectorSearch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Search over the collection with Chroma's own vector index: one {@code /query} (the filtered
 * search: one per round). A record is indexed under its writer's embedding if the memory has one,
 * else under its content's embedding by the tier's embedder; the similarity is the cosine of the
 * query and that vector, on the same scale as the other tiers': for a memory with its writer's
 * embedding it is computed here from the exact floats ({@link Memory#similarityTo}), for the others
 * it is {@code 1 - distance} (the collection's space is cosine, checked when the store is built,
 * and Chroma's cosine distance is {@code 1 - cosine}, in float precision). Records of other writers
 * are left out of the results, and so is a memory whose embedding has another dimension than the
 * tier's embedder (only a caller of the SPI can store one; see {@code DefaultChromaTierStore}).
 *
 * <p>Chroma's {@code where} cannot run a Java predicate, so the filtered search over-fetches in
 * rounds: it asks for {@code k} results, then 4 times as many each round (at most the collection's
 * size and {@link VectorSearch#MAX_CANDIDATES}), until {@code k} pass the filter or Chroma has no
 * more. Each round is a new query: Chroma's {@code /query} has no offset.
 */
final class ChromaSearch implements VectorSearch {
  private static final Set<Include> HITS =
      EnumSet.of(Include.DOCUMENTS, Include.METADATAS, Include.DISTANCES);

  /** Best first; ties keep Chroma's order (the sort is stable). */
  private static final Comparator<ScoredMemory> BEST_FIRST =
      Comparator.comparingDouble(ScoredMemory::similarity).reversed();

  private final ChromaClient client;
  private final String collectionId;
  private final Embedder embedder;

  ChromaSearch(ChromaClient client, String collectionId, Embedder embedder) {
    this.client = client;
    this.collectionId = collectionId;
    this.embedder = embedder;
  }

  @Override
  public List<ScoredMemory> search(float[] queryVector, String queryText, int k) {
    VectorSearch.checkQuery(queryVector, k, embedder);
    return scored(queryVector, client.query(collectionId, queryVector, k, HITS));
  }

  /**
   * Over-fetches in rounds (see the class comment); the result is the best {@code k} accepted of
   * the last round, best first.
   */
  @Override
  public List<ScoredMemory> search(
      float[] queryVector, String queryText, int k, Predicate<Memory> filter) {
    VectorSearch.checkQuery(queryVector, k, embedder);
    if (filter == SearchRequest.ANY) {
      return search(queryVector, queryText, k);
    }
    int asked = k;
    long size = -1; // the collection's count, fetched before a second round
    while (true) {
      List<Hit> hits = client.query(collectionId, queryVector, asked, HITS);
      List<ScoredMemory> kept = new ArrayList<>(Math.min(k, hits.size()));
      for (ScoredMemory s : scored(queryVector, hits)) {
        if (filter.test(s.memory())) {
          kept.add(s);
          if (kept.size() == k) {
            return kept;
          }
        }
      }
      if (hits.size() < asked || asked >= MAX_CANDIDATES) {
        return kept; // Chroma had no more
      }
      if (size < 0) {
        size = client.count(collectionId);
      }
      if (asked >= size) {
        return kept; // every record was a candidate
      }
      asked = (int) Math.min(Math.min(MAX_CANDIDATES, size), asked * 4L);
    }
  }

  /** Our records among {@code hits} with their similarity to {@code query}, best first. */
  private static List<ScoredMemory> scored(float[] query, List<Hit> hits) {
    List<ScoredMemory> result = new ArrayList<>(hits.size());
    for (Hit hit : hits) {
      StoredMemory s = RecordCodec.decode(hit.row());
      if (s != null) {
        Memory m = s.memory();
        float[] own = m.embedding();
        if (own != null && own.length != query.length) {
          continue; // indexed under its content, but only its own embedding may rank it
        }
        double similarity =
            m.hasEmbedding()
                ? m.similarityTo(query)
                : Math.max(-1.0, Math.min(1.0, 1.0 - hit.distance()));
        result.add(new ScoredMemory(m, similarity));
      }
    }
    result.sort(BEST_FIRST);
    return result;
  }

  @Override
  public String toString() {
    return "ChromaSearch[collectionId=" + collectionId + ", embedder=" + embedder + "]";
  }
}
