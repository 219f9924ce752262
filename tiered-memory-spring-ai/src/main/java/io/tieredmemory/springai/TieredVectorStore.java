package io.tieredmemory.springai;

import io.micrometer.observation.ObservationRegistry;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.MemoryLimits;
import io.tieredmemory.core.MemoryWrite;
import io.tieredmemory.core.RecallSource;
import io.tieredmemory.core.SearchHit;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TierView;
import io.tieredmemory.core.TieredMemory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.document.Document;
import org.springframework.ai.document.DocumentMetadata;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingOptions;
import org.springframework.ai.observation.conventions.VectorStoreSimilarityMetric;
import org.springframework.ai.vectorstore.AbstractVectorStoreBuilder;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.ai.vectorstore.filter.Filter;
import org.springframework.ai.vectorstore.observation.AbstractObservationVectorStore;
import org.springframework.ai.vectorstore.observation.VectorStoreObservationContext;

/**
 * Spring AI's {@link VectorStore} on a {@link TieredMemory}: each document is one memory, which the
 * store's sweeps then move between the tiers (HOT, WARM, COLD) like any other, and which stays
 * searchable wherever it is.
 *
 * <pre>{@code
 * TieredMemory memory = TieredMemory.builder("docs")
 *     .embedder(new SpringAiEmbedder(embeddingModel))
 *     .build();
 * VectorStore store = TieredVectorStore.builder(memory, embeddingModel)
 *     .observationRegistry(observationRegistry)
 *     .build();
 * store.add(List.of(new Document("Refunds take 5 days", Map.of("year", 2024))));
 * store.similaritySearch(SearchRequest.builder().query("refund delay")
 *     .filterExpression("year >= 2023").build());
 * }</pre>
 *
 * <p><b>Mapping.</b> A document becomes the memory whose key is the {@linkplain Builder#keyPrefix
 * key prefix} (default {@value #DEFAULT_KEY_PREFIX}) followed by the document's id; its content is
 * the document's text; its embedding is the one the {@link EmbeddingModel} made when it was added
 * ({@link MemoryWrite#withEmbedding}), kept with the memory in every tier and never re-embedded;
 * its metadata is the document's, each value written as a JSON literal so that its type comes back
 * (strings, finite numbers, booleans, dates as ISO-8601 text, lists of those). A document found by
 * {@link #similaritySearch} has its score set to the cosine similarity, and the metadata {@code
 * distance} set to {@code 1 - similarity}, as Spring AI's other stores do.
 *
 * <p><b>Search.</b> The query is embedded by the {@link EmbeddingModel} and the memory store
 * searches WARM and COLD by that vector (so both must be searchable: a PostgreSQL WARM needs its
 * {@code embedder}); the filter expression is evaluated in the tiers on each candidate's metadata,
 * along with the key prefix, before the {@code topK} best are kept. {@code topK} may be at most
 * {@value io.tieredmemory.core.SearchRequest#MAX_K}. A search is not a read: it moves nothing.
 *
 * <p><b>Removal.</b> {@link #delete(List)} deletes each id's memory. The memory store lists no
 * keys, so {@link #delete(Filter.Expression)} searches for matching memories, up to {@value
 * io.tieredmemory.core.SearchRequest#MAX_K} at a time, and deletes them, until a search finds none:
 * it costs one search of WARM and COLD per thousand documents removed, plus one.
 *
 * <p><b>Observations.</b> It extends {@link AbstractObservationVectorStore}: every add, delete and
 * query makes Spring AI's {@code db.vector.client.operation} observation (spans, timers) in the
 * builder's {@link ObservationRegistry}, with the system {@value #PROVIDER}, the collection the
 * memory store's name, the namespace the key prefix, the metric {@code cosine}.
 */
public final class TieredVectorStore extends AbstractObservationVectorStore {

  /** The key prefix of documents' memories unless another is given. */
  public static final String DEFAULT_KEY_PREFIX = "document:";

  /** The {@code db.system} of this store's observations. */
  public static final String PROVIDER = "tiered_memory";

  private final TieredMemory memory;
  private final String keyPrefix;

  private TieredVectorStore(Builder builder) {
    super(builder);
    this.memory = builder.memory;
    this.keyPrefix = builder.keyPrefix;
  }

  /**
   * A builder of a store on {@code memory}, embedding with {@code embeddingModel}; its vectors must
   * have the dimension of the memory store's {@link TieredMemory#embedder() embedder}.
   */
  public static Builder builder(TieredMemory memory, EmbeddingModel embeddingModel) {
    return new Builder(memory, embeddingModel);
  }

  /** The memory store the documents are kept in. */
  public TieredMemory memory() {
    return memory;
  }

  /** The prefix of every document's key. */
  public String keyPrefix() {
    return keyPrefix;
  }

  /** The key of the memory holding the document {@code id}. */
  public String keyOf(String id) {
    return keyPrefix + id;
  }

  /**
   * Embeds the documents with the {@link EmbeddingModel} (batched by the builder's batching
   * strategy) and stores each as one memory, replacing the memory of a document with the same id.
   * Every document is checked before any is stored; then each is stored on its own (not a
   * transaction).
   *
   * @throws IllegalArgumentException when a document's id or metadata cannot be stored (the message
   *     names the document and the entry), nothing stored
   * @throws IllegalStateException when the model's vectors have another dimension than the memory
   *     store's embedder, nothing stored
   */
  @Override
  public void doAdd(List<Document> documents) {
    Objects.requireNonNull(documents, "documents");
    if (documents.isEmpty()) {
      return;
    }
    List<MemoryWrite> writes = new ArrayList<>(documents.size());
    for (Document d : documents) {
      String key = keyOf(d.getId());
      Map<String, String> metadata = DocumentMetadataCodec.encode(d.getId(), d.getMetadata());
      writes.add(new MemoryWrite(key, Objects.requireNonNullElse(d.getText(), ""), metadata));
    }
    List<float[]> embeddings =
        embeddingModel.embed(documents, EmbeddingOptions.builder().build(), batchingStrategy);
    if (embeddings.size() != documents.size()) {
      throw new IllegalStateException(
          "the embedding model returned "
              + embeddings.size()
              + " vectors for "
              + documents.size()
              + " documents");
    }
    for (int i = 0; i < writes.size(); i++) {
      float[] embedding = embeddings.get(i);
      checkDimension(embedding, "document " + MemoryLimits.quote(documents.get(i).getId()));
      writes.set(i, writes.get(i).withEmbedding(embedding));
    }
    try {
      memory.putAll(writes);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("documents not stored: " + e.getMessage(), e);
    }
  }

  private void checkDimension(float[] vector, String what) {
    int expected = memory.embedder().dimension();
    if (vector.length != expected) {
      throw new IllegalStateException(
          "the embedding model "
              + embeddingModel.getClass().getName()
              + " made a vector of "
              + vector.length
              + " floats for "
              + what
              + ", but the memory store "
              + MemoryLimits.quote(memory.name())
              + " embeds with "
              + memory.embedder().id()
              + " ("
              + expected
              + " floats): build the store with .embedder(new SpringAiEmbedder(embeddingModel))");
    }
  }

  /** Deletes each id's memory, wherever it is (an absent id is ignored). */
  @Override
  public void doDelete(List<String> idList) {
    Objects.requireNonNull(idList, "idList");
    for (String id : idList) {
      memory.delete(keyOf(id));
    }
  }

  /**
   * Deletes every document whose metadata satisfies {@code filterExpression}: a filtered search of
   * up to {@value io.tieredmemory.core.SearchRequest#MAX_K} documents, their deletion, again until
   * a search finds none.
   */
  @Override
  protected void doDelete(Filter.Expression filterExpression) {
    Objects.requireNonNull(filterExpression, "filterExpression");
    float[] probe = new float[memory.embedder().dimension()];
    probe[0] = 1f;
    io.tieredmemory.core.SearchRequest request =
        io.tieredmemory.core.SearchRequest.vector(probe, io.tieredmemory.core.SearchRequest.MAX_K)
            .withMinSimilarity(-1)
            .withFilter(filter(filterExpression));
    int fruitless = 0;
    while (true) {
      List<SearchHit> hits = memory.search(request);
      if (hits.isEmpty()) {
        return;
      }
      boolean deleted = false;
      for (SearchHit hit : hits) {
        deleted |= memory.delete(hit.memory().key());
      }
      // every hit already gone (deleted meanwhile by another caller): search again, but never
      // loop on hits no delete removes
      fruitless = deleted ? 0 : fruitless + 1;
      if (fruitless == 2) {
        return;
      }
    }
  }

  /**
   * The {@code topK} documents most similar to the query (embedded by the {@link EmbeddingModel}),
   * at least {@code similarityThreshold} similar, satisfying the filter expression, most similar
   * first.
   *
   * @throws IllegalArgumentException when {@code topK} is above {@value
   *     io.tieredmemory.core.SearchRequest#MAX_K}
   */
  @Override
  public List<Document> doSimilaritySearch(SearchRequest request) {
    Objects.requireNonNull(request, "request");
    int topK = request.getTopK();
    if (topK > io.tieredmemory.core.SearchRequest.MAX_K) {
      throw new IllegalArgumentException(
          "topK must be at most "
              + io.tieredmemory.core.SearchRequest.MAX_K
              + " for a TieredVectorStore, was "
              + topK);
    }
    if (topK < 1) {
      return List.of();
    }
    float[] query = embeddingModel.embed(request.getQuery());
    checkDimension(query, "the query");
    List<SearchHit> hits =
        memory.search(
            io.tieredmemory.core.SearchRequest.vector(query, topK)
                .withText(request.getQuery())
                .withMinSimilarity(request.getSimilarityThreshold())
                .withFilter(filter(request.getFilterExpression()))
                .withSource(RecallSource.SPRING_AI));
    List<Document> documents = new ArrayList<>(hits.size());
    for (SearchHit hit : hits) {
      documents.add(toDocument(hit));
    }
    return documents;
  }

  private Document toDocument(SearchHit hit) {
    Memory m = hit.memory();
    Map<String, Object> metadata = new HashMap<>(DocumentMetadataCodec.decode(m.metadata()));
    metadata.put(DocumentMetadata.DISTANCE.value(), (float) (1 - hit.similarity()));
    return Document.builder()
        .id(m.key().substring(keyPrefix.length()))
        .text(m.content())
        .metadata(metadata)
        .score(hit.similarity())
        .build();
  }

  private Predicate<Memory> filter(Filter.@Nullable Expression expression) {
    String prefix = keyPrefix;
    if (expression == null) {
      return m -> m.key().startsWith(prefix);
    }
    return m ->
        m.key().startsWith(prefix)
            && MetadataFilter.test(
                expression, key -> DocumentMetadataCodec.decodeValue(m.metadata().get(key)));
  }

  @Override
  public VectorStoreObservationContext.Builder createObservationContextBuilder(
      String operationName) {
    return VectorStoreObservationContext.builder(PROVIDER, operationName)
        .dimensions(memory.embedder().dimension())
        .collectionName(memory.name())
        .namespace(keyPrefix)
        .similarityMetric(VectorStoreSimilarityMetric.COSINE.value());
  }

  /** The memory store ({@link TieredMemory}). */
  @Override
  @SuppressWarnings("unchecked")
  public <T> Optional<T> getNativeClient() {
    return Optional.of((T) memory);
  }

  @Override
  public String toString() {
    return "TieredVectorStore["
        + memory.name()
        + ", keyPrefix "
        + MemoryLimits.quote(keyPrefix)
        + "]";
  }

  /**
   * Builds a {@link TieredVectorStore}: the key prefix here; the observation registry, a custom
   * observation convention and the batching strategy of {@link AbstractVectorStoreBuilder}.
   */
  public static final class Builder extends AbstractVectorStoreBuilder<Builder> {

    private final TieredMemory memory;
    private String keyPrefix = DEFAULT_KEY_PREFIX;

    private Builder(TieredMemory memory, EmbeddingModel embeddingModel) {
      super(embeddingModel);
      this.memory = Objects.requireNonNull(memory, "memory");
    }

    /**
     * The prefix of every document's key (default {@value #DEFAULT_KEY_PREFIX}): searches and
     * removals by filter see only memories under it, so documents can share a memory store with
     * other memories, or two stores with two prefixes one memory store.
     *
     * @throws IllegalArgumentException when {@code keyPrefix} is null or empty
     */
    public Builder keyPrefix(String keyPrefix) {
      if (keyPrefix == null || keyPrefix.isEmpty()) {
        throw new IllegalArgumentException(
            "keyPrefix must not be empty, was " + MemoryLimits.quote(keyPrefix));
      }
      this.keyPrefix = keyPrefix;
      return this;
    }

    /**
     * The store.
     *
     * @throws IllegalStateException when WARM or COLD of the memory store cannot search
     */
    @Override
    public TieredVectorStore build() {
      for (Tier tier : List.of(Tier.WARM, Tier.COLD)) {
        TierView view = memory.tier(tier);
        if (!view.searchable()) {
          throw new IllegalStateException(
              "a TieredVectorStore needs every tier that holds documents to search, but "
                  + tier
                  + " of the memory store "
                  + MemoryLimits.quote(memory.name())
                  + " ("
                  + view.kind()
                  + ") cannot: give it the embedder (e.g."
                  + " PostgresTierStore.builder(dataSource).embedder(embedder), or"
                  + " InProcessTiers.warm(embedder)), or, in Spring Boot, set"
                  + " tiered-memory.spring-ai.vector-store.enabled=false");
        }
      }
      return new TieredVectorStore(this);
    }
  }
}
