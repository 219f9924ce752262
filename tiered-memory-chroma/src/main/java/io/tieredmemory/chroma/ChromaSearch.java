package io.tieredmemory.chroma;

import io.tieredmemory.chroma.ChromaClient.Hit;
import io.tieredmemory.chroma.ChromaClient.Include;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.ScoredMemory;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.VectorSearch;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Search over the collection with Chroma's own vector index: one {@code /query}, similarity {@code
 * 1 - distance} (the collection's space is cosine, checked when the store is built), so scores are
 * on the same scale as the other tiers'. Records of other writers are left out of the results.
 */
final class ChromaSearch implements VectorSearch {
  private static final Set<Include> HITS =
      EnumSet.of(Include.DOCUMENTS, Include.METADATAS, Include.DISTANCES);

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
    List<ScoredMemory> result = new ArrayList<>();
    for (Hit hit : client.query(collectionId, queryVector, k, HITS)) {
      StoredMemory s = RecordCodec.decode(hit.row());
      if (s != null) {
        double similarity = Math.max(-1.0, Math.min(1.0, 1.0 - hit.distance()));
        result.add(new ScoredMemory(s.memory(), similarity));
      }
    }
    return result;
  }

  @Override
  public String toString() {
    return "ChromaSearch[collectionId=" + collectionId + ", embedder=" + embedder + "]";
  }
}
