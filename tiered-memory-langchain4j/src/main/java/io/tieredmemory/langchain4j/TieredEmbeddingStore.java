package io.tieredmemory.langchain4j;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.RelevanceScore;
import dev.langchain4j.store.embedding.filter.Filter;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.MemoryLimits;
import io.tieredmemory.core.MemoryWrite;
import io.tieredmemory.core.RecallSource;
import io.tieredmemory.core.SearchHit;
import io.tieredmemory.core.SearchRequest;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TierView;
import io.tieredmemory.core.TieredMemory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A LangChain4j {@link EmbeddingStore} of {@link TextSegment}s on a {@link TieredMemory}: each
 * embedding is one memory, so recently written segments sit in HOT and WARM, idle ones are archived
 * to COLD, and a {@link #search} finds them in whichever tier holds them, ranked by the embedding
 * they were added with (never re-embedded).
 *
 * <pre>{@code
 * TieredMemory memory = TieredMemory.builder("rag")
 *     .embedder(LangChain4jEmbedder.of(model))        // the model's dimension
 *     .build();
 * EmbeddingStore<TextSegment> store = TieredEmbeddingStore.builder(memory).build();
 * store.add(model.embed(segment).content(), segment);
 * EmbeddingSearchResult<TextSegment> found = store.search(EmbeddingSearchRequest.builder()
 *     .queryEmbedding(model.embed("refund delay").content())
 *     .filter(metadataKey("lang").isEqualTo("en"))
 *     .maxResults(5)
 *     .build());
 * }</pre>
 *
 * <h2>How an embedding is stored</h2>
 *
 * <ul>
 *   <li><b>Key</b>: the {@link Builder#keyPrefix key prefix} ({@value #DEFAULT_KEY_PREFIX} by
 *       default) followed by the embedding's id (a random UUID unless the caller gives one).
 *   <li><b>Content</b>: the segment's text; {@code ""} for an embedding added without a segment,
 *       marked by the metadata {@value #NO_SEGMENT_METADATA}{@code =true} so that its match has no
 *       {@link EmbeddingMatch#embedded() embedded} segment.
 *   <li><b>Embedding</b>: the vector as given ({@link MemoryWrite#withEmbedding}); every tier keeps
 *       it with the memory and ranks the memory by it. It must have the dimension of the store's
 *       {@link TieredMemory#embedder() embedder}.
 *   <li><b>Metadata</b>: the segment's {@link Metadata}, one memory metadata entry per key, the
 *       value as text ({@code toString()}, which reads back exactly for every number); {@value
 *       #TYPES_METADATA} lists the keys whose values are not strings with their type ({@code UUID},
 *       {@code Integer}, {@code Long}, {@code Float}, {@code Double}), so every value comes back
 *       with its type and filters compare it as LangChain4j does. Metadata keys starting with
 *       {@value #RESERVED_PREFIX} or {@code tm_} are refused; the store's {@link MemoryLimits}
 *       apply (by default at most 32 entries with the reserved ones, values up to 4096 chars).
 * </ul>
 *
 * <h2>Search</h2>
 *
 * One {@link TieredMemory#search(SearchRequest)} with the query embedding, the query text when the
 * request has one (tiers with full-text search use it), {@code maxResults} (at most {@value
 * SearchRequest#MAX_K}), and a filter run in the tiers: the key prefix, then the LangChain4j {@link
 * Filter} evaluated on the decoded metadata (every filter LangChain4j defines, {@code
 * containsString} included; as in LangChain4j's in-memory store, a filtered search never returns an
 * embedding added without a segment). The score is {@link RelevanceScore#fromCosineSimilarity}, and
 * {@code minScore} keeps the matches whose score is at least it, as LangChain4j's in-memory store
 * does. A filter that throws (comparing values of different types) throws its exception from {@code
 * search}. Matches archived in COLD are returned like the others; a search moves nothing.
 *
 * <h2>Removal</h2>
 *
 * {@link #remove(String)} and {@link #removeAll(Collection)} delete by key. The store has no
 * listing of keys, so {@link #removeAll(Filter)} and {@link #removeAll()} run filtered searches of
 * up to {@value SearchRequest#MAX_K} memories at a time (any vector, every similarity accepted),
 * deleting what each returns, until one returns none: a cost in proportion to the number of
 * embeddings under the prefix, plus one search per {@value SearchRequest#MAX_K} removed. None of
 * these is atomic: an embedding added meanwhile may stay.
 *
 * <h2>Requirements</h2>
 *
 * WARM and COLD must both answer similarity searches: the in-process tiers do; on PostgreSQL give
 * the WARM tier an embedder ({@code PostgresTierStore.builder(dataSource).embedder(embedder)}).
 * This class holds no state of its own and is thread-safe; it does not own the {@link TieredMemory}
 * (close that yourself).
 */
public final class TieredEmbeddingStore implements EmbeddingStore<TextSegment> {

  /** The key prefix unless {@link Builder#keyPrefix} says otherwise. */
  public static final String DEFAULT_KEY_PREFIX = "embedding:";

  /** What the metadata keys this class reserves for itself start with. */
  public static final String RESERVED_PREFIX = "lc4j.";

  /**
   * The metadata key listing the LangChain4j metadata keys whose values are not strings, with their
   * type: entries {@code <code><key>} separated by {@code ,}, the code one of {@code U} (UUID),
   * {@code I} (Integer), {@code L} (Long), {@code F} (Float), {@code D} (Double), and {@code \} and
   * {@code ,} in keys escaped with {@code \}. Absent when every value is a string.
   */
  public static final String TYPES_METADATA = RESERVED_PREFIX + "types";

  /** The metadata key marking an embedding added without a segment (value {@code true}). */
  public static final String NO_SEGMENT_METADATA = RESERVED_PREFIX + "no-segment";

  private static final String NO_SEGMENT = "true";

  /** More rounds returning only memories already gone than this: the store is not converging. */
  private static final int MAX_IDLE_ROUNDS = 3;

  private final TieredMemory memory;
  private final String keyPrefix;

  private TieredEmbeddingStore(Builder b) {
    this.memory = b.memory;
    this.keyPrefix = b.keyPrefix;
  }

  /** A store on {@code memory} with the default key prefix. */
  public static TieredEmbeddingStore of(TieredMemory memory) {
    return builder(memory).build();
  }

  /** Starts a builder for a store on {@code memory}. */
  public static Builder builder(TieredMemory memory) {
    return new Builder(memory);
  }

  /** The tiered store that holds the embeddings. */
  public TieredMemory memory() {
    return memory;
  }

  /** The prefix of every key this store writes. */
  public String keyPrefix() {
    return keyPrefix;
  }

  /** The memory key of the embedding {@code id}: the key prefix followed by the id. */
  public String keyOf(String id) {
    requireId(id);
    return keyPrefix + id;
  }

  // ---------------------------------------------------------------- adding

  @Override
  public String add(Embedding embedding) {
    String id = UUID.randomUUID().toString();
    add(id, embedding);
    return id;
  }

  @Override
  public void add(String id, Embedding embedding) {
    requireId(id);
    put(List.of(write(id, embedding, null)));
  }

  /** Adds {@code embedding} with {@code textSegment} (null: without a segment) under a new id. */
  @Override
  public String add(Embedding embedding, @Nullable TextSegment textSegment) {
    String id = UUID.randomUUID().toString();
    put(List.of(write(id, embedding, textSegment)));
    return id;
  }

  @Override
  public List<String> addAll(List<Embedding> embeddings) {
    if (embeddings == null) {
      throw new IllegalArgumentException("embeddings must not be null");
    }
    List<String> ids = generateIds(embeddings.size());
    addAll(ids, embeddings, null);
    return ids;
  }

  /**
   * Adds each embedding under the id at the same index, with the segment at that index ({@code
   * embedded} may be null, or hold nulls, for embeddings without a segment). Each is validated
   * before any is written; then each is one {@code put} (not a transaction). An id already present
   * is replaced.
   *
   * @throws IllegalArgumentException if a list is null or the sizes differ, an id is null or blank,
   *     an embedding is null or has another dimension than the store's embedder, or the store
   *     refuses a key or the metadata; nothing is written then
   */
  @Override
  public void addAll(
      List<String> ids, List<Embedding> embeddings, @Nullable List<TextSegment> embedded) {
    if (ids == null) {
      throw new IllegalArgumentException("ids must not be null");
    }
    if (embeddings == null) {
      throw new IllegalArgumentException("embeddings must not be null");
    }
    if (ids.size() != embeddings.size()) {
      throw new IllegalArgumentException(
          "ids and embeddings must have the same size, were "
              + ids.size()
              + " and "
              + embeddings.size());
    }
    if (embedded != null && embedded.size() != embeddings.size()) {
      throw new IllegalArgumentException(
          "embeddings and embedded must have the same size, were "
              + embeddings.size()
              + " and "
              + embedded.size());
    }
    List<MemoryWrite> writes = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      requireId(id);
      writes.add(write(id, embeddings.get(i), embedded == null ? null : embedded.get(i)));
    }
    if (!writes.isEmpty()) {
      put(writes);
    }
  }

  private MemoryWrite write(String id, Embedding embedding, @Nullable TextSegment segment) {
    if (embedding == null) {
      throw new IllegalArgumentException("embedding must not be null (id " + quote(id) + ")");
    }
    String key = keyPrefix + id;
    if (segment == null) {
      return new MemoryWrite(key, "", Map.of(NO_SEGMENT_METADATA, NO_SEGMENT))
          .withEmbedding(embedding.vector());
    }
    return new MemoryWrite(key, segment.text(), encode(id, segment.metadata()))
        .withEmbedding(embedding.vector());
  }

  private void put(List<MemoryWrite> writes) {
    try {
      if (writes.size() == 1) {
        memory.put(writes.get(0));
      } else {
        memory.putAll(writes);
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the store refused "
              + (writes.size() == 1
                  ? "embedding " + quote(idOf(writes.get(0).key()))
                  : writes.size() + " embeddings")
              + ": "
              + e.getMessage(),
          e);
    }
  }

  // ---------------------------------------------------------------- search

  /**
   * The {@code maxResults} (at most {@value SearchRequest#MAX_K}) embeddings most similar to the
   * query embedding, best first, each with a score of at least {@code minScore} and accepted by the
   * filter, from every searchable tier (archived ones included).
   *
   * @throws IllegalArgumentException if the query embedding has another dimension than the store's
   *     embedder, or the filter does (a LangChain4j type mismatch)
   * @throws IllegalStateException if a memory under the key prefix comes back without its embedding
   *     (a tier that does not keep writers' embeddings)
   */
  @Override
  public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request) {
    if (request == null) {
      throw new IllegalArgumentException("request must not be null");
    }
    float[] vector = request.queryEmbedding().vector();
    double minScore = request.minScore();
    // The store compares similarities, LangChain4j scores: the least similarity whose score passes,
    // so the store returns (and records as recalled) exactly the matches this method returns.
    double minSimilarity = minSimilarityFor(minScore);
    @Nullable Filter filter = request.filter();
    @Nullable String text = request.query();
    AtomicReference<@Nullable RuntimeException> failed = new AtomicReference<>();
    SearchRequest search =
        SearchRequest.vector(vector, Math.min(request.maxResults(), SearchRequest.MAX_K))
            .withText(text == null || text.isBlank() ? null : text)
            .withMinSimilarity(minSimilarity)
            .withFilter(accepting(filter, failed))
            .withSource(RecallSource.LANGCHAIN4J);
    List<SearchHit> hits = run(search, failed);
    List<EmbeddingMatch<TextSegment>> matches = new ArrayList<>(hits.size());
    for (SearchHit hit : hits) {
      double score = RelevanceScore.fromCosineSimilarity(hit.similarity());
      if (score >= minScore) {
        matches.add(match(hit, score));
      }
    }
    return new EmbeddingSearchResult<>(matches);
  }

  private EmbeddingMatch<TextSegment> match(SearchHit hit, double score) {
    Memory m = hit.memory();
    float @Nullable [] vector = m.embedding();
    if (vector == null) {
      throw new IllegalStateException(
          "the memory "
              + quote(m.key())
              + " came back from "
              + hit.tier()
              + " ("
              + memory.tier(hit.tier()).kind()
              + ") without the embedding it was added with: that tier does not keep writers'"
              + " embeddings, so it cannot hold a LangChain4j EmbeddingStore");
    }
    String id = idOf(m.key());
    @Nullable TextSegment segment =
        NO_SEGMENT.equals(m.metadata().get(NO_SEGMENT_METADATA))
            ? null
            : TextSegment.from(m.content(), decode(m));
    return new EmbeddingMatch<>(score, id, Embedding.from(vector), segment);
  }

  /** The key prefix, then the LangChain4j filter on the decoded metadata; failures kept. */
  private Predicate<Memory> accepting(
      @Nullable Filter filter, AtomicReference<@Nullable RuntimeException> failed) {
    return m -> {
      if (!m.key().startsWith(keyPrefix) || m.key().length() == keyPrefix.length()) {
        return false;
      }
      if (filter == null) {
        return true;
      }
      if (NO_SEGMENT.equals(m.metadata().get(NO_SEGMENT_METADATA))) {
        return false; // as in LangChain4j's in-memory store: a filter needs a segment's metadata
      }
      try {
        return filter.test(decode(m));
      } catch (RuntimeException e) {
        failed.compareAndSet(null, e);
        return false;
      }
    };
  }

  /** Runs a search; an exception the filter threw is rethrown as is. */
  private List<SearchHit> run(
      SearchRequest search, AtomicReference<@Nullable RuntimeException> failed) {
    List<SearchHit> hits;
    try {
      hits = memory.search(search);
    } catch (RuntimeException e) {
      RuntimeException cause = failed.get();
      if (cause != null) {
        throw cause;
      }
      throw e;
    }
    RuntimeException cause = failed.get();
    if (cause != null) {
      throw cause;
    }
    return hits;
  }

  // ---------------------------------------------------------------- removal

  /**
   * Removes the embedding {@code id} from every tier; an id not present is not an error.
   *
   * @throws IllegalArgumentException if {@code id} is null or blank
   */
  @Override
  public void remove(String id) {
    requireId(id);
    delete(keyPrefix + id);
  }

  /**
   * Removes the embeddings {@code ids} (one delete each, not a transaction).
   *
   * @throws IllegalArgumentException if {@code ids} is null or empty, or holds a null or blank id
   *     (checked before anything is removed)
   */
  @Override
  public void removeAll(Collection<String> ids) {
    if (ids == null || ids.isEmpty()) {
      throw new IllegalArgumentException("ids cannot be null or empty");
    }
    for (String id : ids) {
      requireId(id);
    }
    for (String id : ids) {
      delete(keyPrefix + id);
    }
  }

  /**
   * Removes every embedding whose segment's metadata {@code filter} accepts (never one added
   * without a segment), by repeated filtered searches; see the class comment.
   *
   * @throws IllegalArgumentException if {@code filter} is null, or throws
   */
  @Override
  public void removeAll(Filter filter) {
    if (filter == null) {
      throw new IllegalArgumentException("filter cannot be null");
    }
    removeMatching(filter);
  }

  /** Removes every embedding under the key prefix, by repeated searches; see the class comment. */
  @Override
  public void removeAll() {
    removeMatching(null);
  }

  private void removeMatching(@Nullable Filter filter) {
    float[] probe = new float[memory.embedder().dimension()];
    probe[0] = 1;
    int idleRounds = 0;
    while (true) {
      AtomicReference<@Nullable RuntimeException> failed = new AtomicReference<>();
      List<SearchHit> hits =
          run(
              SearchRequest.vector(probe, SearchRequest.MAX_K)
                  .withMinSimilarity(-1)
                  .withFilter(accepting(filter, failed)),
              failed);
      if (hits.isEmpty()) {
        return;
      }
      boolean removed = false;
      for (SearchHit hit : hits) {
        removed |= delete(hit.memory().key());
      }
      idleRounds = removed ? 0 : idleRounds + 1;
      if (idleRounds > MAX_IDLE_ROUNDS) {
        throw new IllegalStateException(
            "removeAll: searches keep returning "
                + hits.size()
                + " embeddings (first "
                + quote(hits.get(0).memory().key())
                + ") that deleting does not find; giving up");
      }
    }
  }

  private boolean delete(String key) {
    try {
      return memory.delete(key);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the store refused embedding " + quote(idOf(key)) + ": " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- metadata

  /** The memory metadata of a segment's {@code metadata}: see the class comment. */
  static Map<String, String> encode(String id, Metadata metadata) {
    Map<String, String> out = new HashMap<>();
    Map<String, Character> types = new TreeMap<>();
    for (Map.Entry<String, Object> e : metadata.toMap().entrySet()) {
      String key = e.getKey();
      Object value = e.getValue();
      if (key.startsWith(RESERVED_PREFIX)
          || key.startsWith(MemoryLimits.RESERVED_METADATA_PREFIX)) {
        throw new IllegalArgumentException(
            "metadata key "
                + quote(key)
                + " of embedding "
                + quote(id)
                + " starts with a reserved prefix ('"
                + RESERVED_PREFIX
                + "' is this store's, '"
                + MemoryLimits.RESERVED_METADATA_PREFIX
                + "' the tiers')");
      }
      char code = typeCode(key, value);
      if (code != 'S') {
        types.put(key, code);
      }
      out.put(key, value.toString());
    }
    if (!types.isEmpty()) {
      StringBuilder listed = new StringBuilder();
      for (Map.Entry<String, Character> t : types.entrySet()) {
        if (listed.length() > 0) {
          listed.append(',');
        }
        listed.append(t.getValue());
        String key = t.getKey();
        for (int i = 0; i < key.length(); i++) {
          char c = key.charAt(i);
          if (c == '\\' || c == ',') {
            listed.append('\\');
          }
          listed.append(c);
        }
      }
      out.put(TYPES_METADATA, listed.toString());
    }
    return out;
  }

  private static char typeCode(String key, Object value) {
    if (value instanceof String) {
      return 'S';
    } else if (value instanceof UUID) {
      return 'U';
    } else if (value instanceof Integer) {
      return 'I';
    } else if (value instanceof Long) {
      return 'L';
    } else if (value instanceof Float) {
      return 'F';
    } else if (value instanceof Double) {
      return 'D';
    }
    throw new IllegalArgumentException(
        "metadata key "
            + quote(key)
            + " has a value of type "
            + value.getClass().getName()
            + ", which LangChain4j's Metadata does not support");
  }

  /** The LangChain4j metadata of a memory written by {@link #encode}. */
  static Metadata decode(Memory m) {
    Map<String, String> stored = m.metadata();
    Map<String, Character> types = new HashMap<>();
    String listed = stored.get(TYPES_METADATA);
    if (listed != null) {
      parseTypes(m.key(), listed, types);
    }
    Map<String, Object> values = new HashMap<>();
    for (Map.Entry<String, String> e : stored.entrySet()) {
      String key = e.getKey();
      if (key.startsWith(RESERVED_PREFIX)) {
        continue;
      }
      Character code = types.remove(key);
      values.put(key, parse(m.key(), key, e.getValue(), code == null ? 'S' : code));
    }
    if (!types.isEmpty()) {
      throw new IllegalStateException(
          "the memory "
              + quote(m.key())
              + " lists types for metadata keys it does not hold: "
              + types.keySet());
    }
    return new Metadata(values);
  }

  private static void parseTypes(String memoryKey, String listed, Map<String, Character> out) {
    int i = 0;
    while (i < listed.length()) {
      char code = listed.charAt(i++);
      StringBuilder key = new StringBuilder();
      while (i < listed.length() && listed.charAt(i) != ',') {
        char c = listed.charAt(i++);
        if (c == '\\' && i < listed.length()) {
          c = listed.charAt(i++);
        }
        key.append(c);
      }
      i++; // the comma
      if ("UILFD".indexOf(code) < 0) {
        throw new IllegalStateException(
            "the memory "
                + quote(memoryKey)
                + " has an unknown type code '"
                + code
                + "' in "
                + TYPES_METADATA
                + "="
                + quote(listed));
      }
      out.put(key.toString(), code);
    }
  }

  private static Object parse(String memoryKey, String key, String value, char code) {
    try {
      return switch (code) {
        case 'U' -> UUID.fromString(value);
        case 'I' -> Integer.valueOf(value);
        case 'L' -> Long.valueOf(value);
        case 'F' -> Float.valueOf(value);
        case 'D' -> Double.valueOf(value);
        default -> value;
      };
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "the memory "
              + quote(memoryKey)
              + " holds "
              + quote(value)
              + " for metadata key "
              + quote(key)
              + ", listed as type "
              + code
              + ": "
              + e.getMessage(),
          e);
    }
  }

  // ---------------------------------------------------------------- misc

  private String idOf(String key) {
    return key.startsWith(keyPrefix) ? key.substring(keyPrefix.length()) : key;
  }

  /**
   * The least similarity {@code s} in [-1, 1] with {@code fromCosineSimilarity(s) >= minScore}: the
   * score is non-decreasing in the similarity, so {@code similarity >= minSimilarityFor(minScore)}
   * holds exactly when the score passes, rounding included.
   */
  static double minSimilarityFor(double minScore) {
    double lo = -1.0;
    double hi = 1.0;
    if (RelevanceScore.fromCosineSimilarity(lo) >= minScore) {
      return lo;
    }
    // score(lo) < minScore <= score(hi): bisect until lo and hi are adjacent doubles (at most
    // about 1100 halvings, from [-1, 1] down to the spacing of doubles near 0).
    while (true) {
      double mid = lo + (hi - lo) / 2;
      if (mid <= lo || mid >= hi) {
        return hi;
      }
      if (RelevanceScore.fromCosineSimilarity(mid) >= minScore) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
  }

  private static void requireId(@Nullable String id) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("id cannot be null or blank");
    }
  }

  private static String quote(@Nullable String s) {
    return MemoryLimits.quote(s);
  }

  @Override
  public String toString() {
    return "TieredEmbeddingStore[" + memory.name() + ", keyPrefix=" + quote(keyPrefix) + "]";
  }

  /** Builds a {@link TieredEmbeddingStore}; each setter validates its argument at once. */
  public static final class Builder {
    private final TieredMemory memory;
    private String keyPrefix = DEFAULT_KEY_PREFIX;

    private Builder(TieredMemory memory) {
      if (memory == null) {
        throw new IllegalArgumentException("memory must not be null");
      }
      this.memory = memory;
    }

    /**
     * What every key starts with (default {@value TieredEmbeddingStore#DEFAULT_KEY_PREFIX}): keeps
     * the embeddings apart from the store's other memories, and two embedding stores on one tiered
     * store apart from each other (each searches and removes under its own prefix only). Must not
     * be empty; no control characters.
     */
    public Builder keyPrefix(String prefix) {
      if (prefix == null || prefix.isEmpty()) {
        throw new IllegalArgumentException(
            "keyPrefix must not be null or empty, was " + quote(prefix));
      }
      for (int i = 0; i < prefix.length(); i++) {
        if (Character.isISOControl(prefix.charAt(i))) {
          throw new IllegalArgumentException(
              "keyPrefix must not contain control characters, found U+"
                  + String.format("%04X", (int) prefix.charAt(i))
                  + " at index "
                  + i
                  + " in "
                  + quote(prefix));
        }
      }
      this.keyPrefix = prefix;
      return this;
    }

    /**
     * Builds the store.
     *
     * @throws IllegalArgumentException if the memory's WARM or COLD tier cannot search
     */
    public TieredEmbeddingStore build() {
      for (Tier tier : new Tier[] {Tier.WARM, Tier.COLD}) {
        TierView view = memory.tier(tier);
        if (!view.searchable()) {
          throw new IllegalArgumentException(
              "a TieredEmbeddingStore needs WARM and COLD tiers that search, but "
                  + tier
                  + " ("
                  + view.kind()
                  + ") of store "
                  + quote(memory.name())
                  + " is not searchable: searches would miss the embeddings it holds. "
                  + (tier == Tier.WARM
                      ? "Give the WARM tier an embedder, e.g."
                          + " PostgresTierStore.builder(dataSource).embedder(embedder), or keep"
                          + " the in-process WARM tier"
                      : "Use a COLD tier that searches (ChromaTierStore, the in-process one)"));
        }
      }
      return new TieredEmbeddingStore(this);
    }
  }
}
