package io.tieredmemory.postgres;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.ScoredMemory;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.VectorSearch;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Search over the WARM table: full-text candidates from the GIN index, re-ranked by the cosine
 * similarity of the embedder's vectors so scores are on the same scale as the COLD tier's.
 */
final class PostgresSearch implements VectorSearch {
  /** Full-text candidates fetched per result asked for. */
  static final int CANDIDATES_PER_RESULT = 4;

  /** Upper bound on candidates, whatever {@code k} is: each is embedded on the client. */
  static final int MAX_CANDIDATES = 400;

  private static final Comparator<ScoredMemory> BEST_FIRST =
      Comparator.comparingDouble(ScoredMemory::similarity)
          .reversed()
          .thenComparing(s -> s.memory().key());

  private final Jdbc jdbc;
  private final Embedder embedder;

  PostgresSearch(Jdbc jdbc, Embedder embedder) {
    this.jdbc = jdbc;
    this.embedder = embedder;
  }

  @Override
  public List<ScoredMemory> search(float[] queryVector, String queryText, int k) {
    VectorSearch.checkQuery(queryVector, k, embedder);
    if (queryText == null) {
      throw new IllegalArgumentException("queryText must not be null");
    }
    int candidates = (int) Math.min(MAX_CANDIDATES, (long) k * CANDIDATES_PER_RESULT);
    List<StoredMemory> found =
        jdbc.call(
            "search",
            c -> {
              try (PreparedStatement ps = c.prepareStatement(jdbc.sql.search)) {
                // PostgreSQL text cannot hold U+0000; as a separator it changes no word.
                ps.setString(1, queryText.replace('\0', ' '));
                ps.setInt(2, Math.max(candidates, k));
                return Jdbc.list(ps);
              }
            });
    List<ScoredMemory> scored = new ArrayList<>(found.size());
    for (StoredMemory s : found) {
      Memory m = s.memory();
      scored.add(new ScoredMemory(m, Embedder.cosine(queryVector, embedder.embed(m.content()))));
    }
    scored.sort(BEST_FIRST);
    return scored.size() > k ? List.copyOf(scored.subList(0, k)) : scored;
  }

  @Override
  public String toString() {
    return "PostgresSearch[table=" + jdbc.table.name() + ", embedder=" + embedder + "]";
  }
}
