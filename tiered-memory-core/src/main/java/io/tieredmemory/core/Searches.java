package io.tieredmemory.core;

import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.Location;
import io.tieredmemory.core.spi.ScoredMemory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The search path: embed the query, ask every searchable tier, keep each key once, and record what
 * was returned ({@link Recalls}: the {@code recalled} hook, a {@code Recalled} event).
 *
 * <p>Weaker than a read, and what it does promise: a COLD hit counts only if WARM's directory
 * points to exactly that copy (else it is a copy of a memory rewritten or deleted since, which the
 * sweep has yet to remove); a memory WARM holds in a newer version than the COLD hit is served in
 * that version instead. So a search never returns a deleted memory or a version older than WARM's
 * at the time it looked. It is not atomic across tiers: a memory moving between WARM and COLD while
 * the search runs may be left out. One such move is guarded against, because this instance makes it
 * after reads return ({@link ReadMoves#BACKGROUND}) where a caller cannot see it: when a
 * rehydration of this instance overlapped the search, WARM is asked once more after COLD (a memory
 * it took out of COLD before COLD was asked was copied into WARM before that).
 */
final class Searches {
  /** The most candidates COLD is asked for when it keeps returning stale copies. */
  static final int MAX_COLD_CANDIDATES = 10_000;

  private final Embedder embedder;
  private final Signals signals;
  private final TierHandle[] tiers;
  private final TierHandle warm;
  private final Recalls recalls;
  private final Mover mover;

  Searches(Embedder embedder, Signals signals, TierHandle[] tiers, Recalls recalls, Mover mover) {
    this.embedder = embedder;
    this.mover = mover;
    this.signals = signals;
    this.recalls = recalls;
    this.tiers = tiers;
    this.warm = tiers[Tier.WARM.ordinal()];
  }

  List<SearchHit> search(SearchRequest request) {
    long start = System.nanoTime();
    if (signals.startsWanted()) {
      signals.requestStarted(Operation.SEARCH, null);
    }
    List<SearchHit> hits;
    try {
      hits = find(request, start);
    } catch (Error e) {
      signals.requestFailed(Operation.SEARCH, e);
      signals.requestCompleted(
          Operation.SEARCH, null, RequestResult.ERROR, System.nanoTime() - start);
      throw e;
    }
    long nanos = System.nanoTime() - start;
    Tier top = hits.isEmpty() ? null : hits.get(0).tier();
    signals.searchCompleted(hits.size(), hits.isEmpty() ? Double.NaN : hits.get(0).similarity());
    recalls.searched(request, hits, nanos);
    signals.requestCompleted(
        Operation.SEARCH, top, hits.isEmpty() ? RequestResult.MISS : RequestResult.HIT, nanos);
    return List.copyOf(hits);
  }

  /** The hits, best first; a failure reported and thrown as a {@link TieredMemoryException}. */
  private List<SearchHit> find(SearchRequest request, long start) {
    Map<String, SearchHit> best = new HashMap<>();
    @Nullable TierHandle[] at = {null};
    int k = request.k();
    Predicate<Memory> filter = request.filter();
    String text = request.text() == null ? "" : request.text();
    try {
      float[] own = request.vector();
      float[] vector = own != null ? own : embedder.embed(text);
      long endedBefore = mover.rehydrationsEnded();
      searchAboveCold(best, vector, text, k, filter, at);
      searchCold(best, vector, text, k, filter, at);
      if (mover.rehydrationsStarted() != endedBefore) {
        // A rehydration of this instance overlapped: if it took its memory out of COLD before COLD
        // was asked, it had copied it into WARM before that, so WARM has it now. Once is enough.
        searchAboveCold(best, vector, text, k, filter, at);
      }
    } catch (RuntimeException e) {
      TieredMemoryException failure =
          new TieredMemoryException(
              "search failed"
                  + (at[0] == null ? "" : " in " + at[0].describe())
                  + ": "
                  + e.getMessage(),
              e);
      signals.requestFailed(Operation.SEARCH, failure);
      signals.requestCompleted(
          Operation.SEARCH, null, RequestResult.ERROR, System.nanoTime() - start);
      throw failure;
    }
    List<SearchHit> hits = new ArrayList<>(best.size());
    for (SearchHit hit : best.values()) {
      if (hit.similarity() >= request.minSimilarity()) {
        hits.add(hit);
      }
    }
    hits.sort(
        (a, b) -> {
          int c = Double.compare(b.similarity(), a.similarity());
          return c != 0 ? c : a.memory().key().compareTo(b.memory().key());
        });
    if (hits.size() > k) {
      hits = new ArrayList<>(hits.subList(0, k));
    }
    return hits;
  }

  /** Asks every searchable tier but COLD; {@code at[0]} is the tier being asked. */
  private void searchAboveCold(
      Map<String, SearchHit> best,
      float[] vector,
      String text,
      int k,
      Predicate<Memory> filter,
      @Nullable TierHandle[] at) {
    for (TierHandle h : tiers) {
      if (h.tier == Tier.COLD || !h.searchable()) {
        continue;
      }
      at[0] = h;
      for (ScoredMemory s : h.search(vector, text, k, filter)) {
        merge(best, new SearchHit(s.memory(), h.tier, s.similarity()));
      }
    }
  }

  /**
   * Asks COLD, if searchable, keeping only the copies WARM points to: COLD may return copies WARM
   * no longer points to (rewritten or deleted since), which are dropped, so COLD is asked again for
   * as many more as it returned stale, until k current ones (or all it has) are in.
   */
  private void searchCold(
      Map<String, SearchHit> best,
      float[] vector,
      String text,
      int k,
      Predicate<Memory> filter,
      @Nullable TierHandle[] at) {
    TierHandle coldTier = tiers[Tier.COLD.ordinal()];
    if (!coldTier.searchable()) {
      return;
    }
    int asked = k;
    while (true) {
      at[0] = coldTier;
      List<ScoredMemory> found = coldTier.search(vector, text, asked, filter);
      at[0] = warm;
      int stale = keepCurrent(best, found, vector, filter);
      if (stale == 0 || found.size() < asked || asked >= MAX_COLD_CANDIDATES) {
        break;
      }
      asked = (int) Math.min(MAX_COLD_CANDIDATES, (long) asked + Math.max(stale, k));
    }
  }

  private static void merge(Map<String, SearchHit> best, SearchHit hit) {
    best.merge(
        hit.memory().key(), hit, (a, b) -> b.memory().version() > a.memory().version() ? b : a);
  }

  /**
   * Keeps the COLD hits WARM points to; serves WARM's newer version of the others it holds (if the
   * filter accepts it). Returns how many hits were not current (left out or replaced).
   */
  private int keepCurrent(
      Map<String, SearchHit> best,
      List<ScoredMemory> coldHits,
      float[] vector,
      Predicate<Memory> filter) {
    if (coldHits.isEmpty()) {
      return 0;
    }
    List<String> keys = new ArrayList<>(coldHits.size());
    for (ScoredMemory h : coldHits) {
      keys.add(h.memory().key());
    }
    Map<String, Location> where = warm.peekLocations(keys);
    int stale = 0;
    for (ScoredMemory hit : coldHits) {
      String key = hit.memory().key();
      Location l = where.get(key);
      if (l instanceof Location.Archived && l.version() == hit.memory().version()) {
        merge(best, new SearchHit(hit.memory(), Tier.COLD, hit.similarity()));
        continue;
      }
      stale++;
      if (l instanceof Location.Held h
          && h.version() > hit.memory().version()
          && !best.containsKey(key)
          && filter.test(h.memory().memory())) {
        Memory newer = h.memory().memory();
        double similarity =
            newer.hasEmbedding()
                ? newer.similarityTo(vector)
                : Embedder.cosine(vector, embedder.embed(newer.content()));
        merge(best, new SearchHit(newer, Tier.WARM, similarity));
      }
      // Else the hit is a copy WARM no longer points to (the memory was deleted, or archived
      // again in another version): left out.
    }
    return stale;
  }
}
