package io.tieredmemory.postgres;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.SearchRequest;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.ScoredMemory;
import io.tieredmemory.core.spi.VectorSearch;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * Search over the WARM table, in one statement and one snapshot ({@link Sql#search}):
 *
 * <ul>
 *   <li>a memory with its writer's embedding (of the embedder's dimension) is ranked by that
 *       embedding, exactly: every such row is streamed ({@link #FETCH_SIZE} rows a round trip) and
 *       scored on the client, keeping the best {@code k} in a heap;
 *   <li>the others are found by full text (the GIN index) and re-ranked by the cosine similarity of
 *       their content embedded by the embedder, as before embeddings existed.
 * </ul>
 *
 * <p>Scores are on the same scale as the COLD tier's. A filter is applied while ranking: the result
 * is the best {@code k} memories the filter accepts.
 */
final class PostgresSearch implements VectorSearch {
  /** Full-text candidates fetched per result asked for. */
  static final int CANDIDATES_PER_RESULT = 4;

  /** Upper bound on full-text candidates, whatever {@code k} is: each is embedded on the client. */
  static final int MAX_CANDIDATES = 400;

  /** Rows per round trip while the search streams its rows. */
  static final int FETCH_SIZE = 500;

  private static final Comparator<ScoredMemory> BEST_FIRST =
      Comparator.comparingDouble(ScoredMemory::similarity)
          .reversed()
          .thenComparing(s -> s.memory().key());

  /** Worst first: the head of the heap of the best {@code k} is the one to drop. */
  private static final Comparator<ScoredMemory> WORST_FIRST = BEST_FIRST.reversed();

  /** A full-text candidate: its {@code ts_rank}, ties by key in byte order (as the SQL sorts). */
  private record Candidate(Memory memory, float rank) {}

  /** Worst first, in the SQL's order ({@code ORDER BY rank DESC, key}, key in collation "C"). */
  private static final Comparator<Candidate> WORST_CANDIDATE_FIRST =
      Comparator.comparingDouble(Candidate::rank)
          .thenComparing(c -> c.memory().key(), (a, b) -> compareCodePoints(b, a));

  private final Jdbc jdbc;
  private final Embedder embedder;

  PostgresSearch(Jdbc jdbc, Embedder embedder) {
    this.jdbc = jdbc;
    this.embedder = embedder;
  }

  @Override
  public List<ScoredMemory> search(float[] queryVector, String queryText, int k) {
    return search(queryVector, queryText, k, SearchRequest.ANY);
  }

  @Override
  public List<ScoredMemory> search(
      float[] queryVector, String queryText, int k, Predicate<Memory> filter) {
    VectorSearch.checkQuery(queryVector, k, embedder);
    if (queryText == null) {
      throw new IllegalArgumentException("queryText must not be null");
    }
    if (filter == null) {
      throw new IllegalArgumentException("filter must not be null");
    }
    boolean any = filter == SearchRequest.ANY;
    int candidates = Math.max(k, (int) Math.min(MAX_CANDIDATES, (long) k * CANDIDATES_PER_RESULT));
    Found found =
        jdbc.call(
            "search",
            c ->
                // The driver streams rows by the fetch size only inside a transaction.
                Jdbc.inTransaction(
                    c,
                    () -> {
                      try (PreparedStatement ps = c.prepareStatement(jdbc.sql.search)) {
                        int bytes = embedder.dimension() * Float.BYTES;
                        ps.setInt(1, bytes);
                        // PostgreSQL text cannot hold U+0000; as a separator it changes no word.
                        ps.setString(2, queryText.replace('\0', ' '));
                        ps.setInt(3, bytes);
                        if (any) {
                          ps.setInt(4, candidates);
                        } else {
                          // A filtered search takes the best candidates the filter accepts.
                          ps.setNull(4, Types.INTEGER);
                        }
                        ps.setFetchSize(FETCH_SIZE);
                        return collect(ps, queryVector, k, candidates, filter);
                      }
                    }));
    List<ScoredMemory> scored = new ArrayList<>(found.own().size() + found.fullText().size());
    scored.addAll(found.own());
    for (Candidate candidate : found.fullText()) {
      Memory m = candidate.memory();
      double similarity = Embedder.cosine(queryVector, embedder.embed(m.content()));
      if (!Double.isNaN(similarity)) {
        scored.add(new ScoredMemory(m, similarity));
      }
    }
    scored.sort(BEST_FIRST);
    return scored.size() > k ? List.copyOf(scored.subList(0, k)) : scored;
  }

  /** The best {@code k} memories by their own embedding, and the full-text candidates. */
  private record Found(List<ScoredMemory> own, List<Candidate> fullText) {}

  private static Found collect(
      PreparedStatement ps, float[] query, int k, int candidates, Predicate<Memory> filter)
      throws SQLException {
    PriorityQueue<ScoredMemory> best = new PriorityQueue<>(k + 1, WORST_FIRST);
    PriorityQueue<Candidate> fullText = new PriorityQueue<>(WORST_CANDIDATE_FIRST);
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String key = rs.getString(1);
        float rank = rs.getFloat(Sql.AFTER_COLUMNS);
        if (rs.wasNull()) {
          float[] embedding = Rows.embedding(rs.getBytes(10));
          if (embedding == null) {
            continue; // the statement selects only rows with one
          }
          double similarity = Embedder.cosine(query, embedding);
          if (Double.isNaN(similarity) || !entersTopK(best, k, similarity, key)) {
            continue; // NaN: a non-finite value in the embedding, comparable to nothing
          }
          Memory m = Rows.memory(rs, key, embedding);
          if (filter.test(m)) {
            best.add(new ScoredMemory(m, similarity));
            if (best.size() > k) {
              best.poll();
            }
          }
        } else {
          Memory m = Rows.memory(rs, key, Rows.embedding(rs.getBytes(10)));
          if (filter.test(m)) {
            fullText.add(new Candidate(m, rank));
            if (fullText.size() > candidates) {
              fullText.poll();
            }
          }
        }
      }
    }
    return new Found(new ArrayList<>(best), new ArrayList<>(fullText));
  }

  /** Whether a memory of this similarity and key would be among the best {@code k} so far. */
  private static boolean entersTopK(
      PriorityQueue<ScoredMemory> best, int k, double similarity, String key) {
    if (best.size() < k) {
      return true;
    }
    ScoredMemory worst = best.peek();
    if (worst == null) {
      return true;
    }
    return similarity > worst.similarity()
        || (similarity == worst.similarity() && key.compareTo(worst.memory().key()) < 0);
  }

  /** Compares strings by code point, which is the byte order of their UTF-8 (collation "C"). */
  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }

  @Override
  public String toString() {
    return "PostgresSearch[table=" + jdbc.table.name() + ", embedder=" + embedder + "]";
  }
}
