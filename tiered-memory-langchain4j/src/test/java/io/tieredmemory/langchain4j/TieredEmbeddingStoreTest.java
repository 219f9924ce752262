package io.tieredmemory.langchain4j;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.RelevanceScore;
import dev.langchain4j.store.embedding.filter.Filter;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.ForwardingTierStore;
import io.tieredmemory.core.spi.VectorSearch;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link TieredEmbeddingStore} beyond LangChain4j's suites: typed metadata as stored and read back,
 * what the store refuses, key prefixes, filters that throw, removal of more than one search's
 * worth. Vectors are random (the hashing embedder's 256 dimensions): no model needed.
 */
class TieredEmbeddingStoreTest {
  private static final int DIM = Embedder.hashing().dimension();
  private final Random random = new Random(42);

  private TieredMemory memory() {
    return TieredMemory.builder("lc4j-unit")
        .disableScheduledSweeps()
        .discoverObservers(false)
        .build();
  }

  private Embedding randomEmbedding() {
    float[] v = new float[DIM];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return Embedding.from(v);
  }

  private static EmbeddingSearchRequest nearest(Embedding query, int max) {
    return EmbeddingSearchRequest.builder().queryEmbedding(query).maxResults(max).build();
  }

  @Test
  void metadataOfEveryTypeComesBackWithItsType_andIsStoredAsPlainStrings() {
    UUID uuid = UUID.randomUUID();
    Metadata metadata =
        new Metadata()
            .put("string", "abc")
            .put("looks like a number", "42")
            .put("empty", "")
            .put("uuid", uuid)
            .put("int", Integer.MIN_VALUE)
            .put("long", 1746714878034235396L)
            .put("float", Float.MIN_VALUE)
            .put("float max", -Float.MAX_VALUE)
            .put("float 123", 1.23456789f)
            .put("double", Double.MIN_VALUE)
            .put("double 123", 1.23456789d)
            .put("nan", Double.NaN)
            .put("a,key\\with=separators", 7);
    try (TieredMemory memory = memory()) {
      TieredEmbeddingStore store = TieredEmbeddingStore.of(memory);
      Embedding embedding = randomEmbedding();
      TextSegment segment = TextSegment.from("a segment", metadata);
      String id = store.add(embedding, segment);

      EmbeddingMatch<TextSegment> match = store.search(nearest(embedding, 1)).matches().get(0);
      assertThat(match.embeddingId()).isEqualTo(id);
      assertThat(match.embedding()).isEqualTo(embedding);
      assertThat(match.embedded()).isEqualTo(segment);
      assertThat(match.embedded().metadata().toMap()).isEqualTo(metadata.toMap());
      assertThat(match.embedded().metadata().toMap().get("looks like a number")).isEqualTo("42");
      assertThat(match.embedded().metadata().toMap().get("long")).isEqualTo(1746714878034235396L);
      assertThat(match.embedded().metadata().getFloat("float")).isEqualTo(Float.MIN_VALUE);

      Memory stored = memory.get("embedding:" + id).orElseThrow();
      assertThat(stored.content()).isEqualTo("a segment");
      assertThat(stored.embedding()).isEqualTo(embedding.vector());
      assertThat(stored.metadata())
          .containsEntry("string", "abc")
          .containsEntry("uuid", uuid.toString())
          .containsEntry("int", "-2147483648")
          .containsEntry("long", "1746714878034235396")
          .containsEntry("a,key\\with=separators", "7")
          .containsEntry(
              TieredEmbeddingStore.TYPES_METADATA,
              "Ia\\,key\\\\with=separators,Ddouble,Ddouble 123,Ffloat,Ffloat 123,Ffloat max,"
                  + "Iint,Llong,Dnan,Uuuid");
    }
  }

  @Test
  void anEmbeddingWithoutASegment_hasNone_andNoFilterMatchesIt() {
    try (TieredMemory memory = memory()) {
      TieredEmbeddingStore store = TieredEmbeddingStore.of(memory);
      Embedding embedding = randomEmbedding();
      String id = store.add(embedding);
      store.add(randomEmbedding(), TextSegment.from("other", new Metadata().put("k", "v")));

      List<EmbeddingMatch<TextSegment>> all = store.search(nearest(embedding, 10)).matches();
      assertThat(all).hasSize(2);
      assertThat(all.get(0).embeddingId()).isEqualTo(id);
      assertThat(all.get(0).embedded()).isNull();
      assertThat(memory.get("embedding:" + id).orElseThrow().content()).isEmpty();

      Filter notK = Filter.not(metadataKey("k").isEqualTo("v"));
      assertThat(
              store
                  .search(
                      EmbeddingSearchRequest.builder()
                          .queryEmbedding(embedding)
                          .filter(notK)
                          .maxResults(10)
                          .build())
                  .matches())
          .isEmpty();
    }
  }

  @Test
  void aStoreWhoseWarmOrColdCannotSearch_isRefused_sayingHow() {
    TieredMemory.Builder warmBlind =
        TieredMemory.builder("blind-warm")
            .warm(new Blind(InProcessTiers.warm(Embedder.hashing())))
            .disableScheduledSweeps()
            .discoverObservers(false);
    try (TieredMemory memory = warmBlind.build()) {
      assertThatThrownBy(() -> TieredEmbeddingStore.of(memory))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("WARM (blind)")
          .hasMessageContaining("'blind-warm'")
          .hasMessageContaining("PostgresTierStore.builder(dataSource).embedder(embedder)");
    }
    TieredMemory.Builder coldBlind =
        TieredMemory.builder("blind-cold")
            .cold(InProcessTiers.plain())
            .disableScheduledSweeps()
            .discoverObservers(false);
    try (TieredMemory memory = coldBlind.build()) {
      assertThatThrownBy(() -> TieredEmbeddingStore.builder(memory).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("COLD (in-process)")
          .hasMessageContaining("not searchable");
    }
  }

  /** A tier that does not search. */
  private static final class Blind extends ForwardingTierStore {
    Blind(io.tieredmemory.core.spi.TierStore delegate) {
      super(delegate);
    }

    @Override
    public String kind() {
      return "blind";
    }

    @Override
    public Optional<VectorSearch> vectorSearch() {
      return Optional.empty();
    }
  }

  @Test
  void reservedMetadataKeys_badIds_andWrongDimensions_areRefused_nothingWritten() {
    try (TieredMemory memory = memory()) {
      TieredEmbeddingStore store = TieredEmbeddingStore.of(memory);
      assertThatThrownBy(
              () ->
                  store.add(randomEmbedding(), TextSegment.from("x", Metadata.from("lc4j.x", "1"))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("metadata key 'lc4j.x'")
          .hasMessageContaining("reserved prefix");
      assertThatThrownBy(
              () -> store.add(randomEmbedding(), TextSegment.from("x", Metadata.from("tm_x", "1"))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("metadata key 'tm_x'");
      assertThatThrownBy(() -> store.add(" ", randomEmbedding()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("id cannot be null or blank");
      assertThatThrownBy(() -> store.add("bad\nid", randomEmbedding()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("the store refused embedding 'bad\\u000Aid'")
          .hasMessageContaining("control characters");
      assertThatThrownBy(() -> store.add(Embedding.from(new float[] {1, 2, 3})))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("the store refused embedding")
          .hasMessageContaining("3");
      assertThatThrownBy(
              () ->
                  store.addAll(
                      List.of("a", "b"),
                      List.of(randomEmbedding(), randomEmbedding()),
                      List.of(
                          TextSegment.from("a"), TextSegment.from("b", Metadata.from("tm_b", "")))))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(memory.get("embedding:a")).isEmpty();
      assertThatThrownBy(() -> store.search(nearest(Embedding.from(new float[] {1, 2}), 3)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> TieredEmbeddingStore.builder(memory).keyPrefix(""))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("keyPrefix");
    }
  }

  @Test
  void aFilterComparingAnotherType_throwsLangChain4jsException() {
    try (TieredMemory memory = memory()) {
      TieredEmbeddingStore store = TieredEmbeddingStore.of(memory);
      Embedding e = randomEmbedding();
      store.add(e, TextSegment.from("x", Metadata.from("k", "text")));
      EmbeddingSearchRequest request =
          EmbeddingSearchRequest.builder()
              .queryEmbedding(e)
              .filter(metadataKey("k").isGreaterThan(3))
              .build();
      assertThatThrownBy(() -> store.search(request))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("\"k\"");
      assertThatThrownBy(() -> store.removeAll(metadataKey("k").isGreaterThan(3)))
          .isExactlyInstanceOf(IllegalArgumentException.class);
      assertThat(store.search(nearest(e, 5)).matches()).hasSize(1);
    }
  }

  @Test
  void storesWithOtherPrefixes_andOtherMemories_areLeftAlone() {
    try (TieredMemory memory = memory()) {
      TieredEmbeddingStore a = TieredEmbeddingStore.builder(memory).keyPrefix("a:").build();
      TieredEmbeddingStore b = TieredEmbeddingStore.builder(memory).keyPrefix("b:").build();
      Embedding e = randomEmbedding();
      String inA = a.add(e, TextSegment.from("in a"));
      String inB = b.add(e, TextSegment.from("in b"));
      memory.put("a", "a memory of someone else's, key without the colon");

      assertThat(a.search(nearest(e, 10)).matches())
          .extracting(EmbeddingMatch::embeddingId)
          .containsExactly(inA);
      a.removeAll();
      assertThat(a.search(nearest(e, 10)).matches()).isEmpty();
      assertThat(b.search(nearest(e, 10)).matches())
          .extracting(EmbeddingMatch::embeddingId)
          .containsExactly(inB);
      assertThat(memory.get("a")).isPresent();
      assertThat(a.keyOf("x")).isEqualTo("a:x");
    }
  }

  @Test
  void scores_minScore_atAMatchsOwnScore_andMaxResultsOverTheStoresLimit() {
    try (TieredMemory memory = memory()) {
      TieredEmbeddingStore store = TieredEmbeddingStore.of(memory);
      Embedding query = randomEmbedding();
      List<Embedding> added = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        added.add(randomEmbedding());
      }
      store.addAll(added);
      List<EmbeddingMatch<TextSegment>> all =
          store.search(nearest(query, Integer.MAX_VALUE)).matches();
      assertThat(all).hasSize(20);
      for (EmbeddingMatch<TextSegment> m : all) {
        double cosine =
            dev.langchain4j.store.embedding.CosineSimilarity.between(m.embedding(), query);
        assertThat(m.score())
            .isCloseTo(
                RelevanceScore.fromCosineSimilarity(cosine),
                org.assertj.core.data.Offset.offset(1e-6)); // LangChain4j sums in float
      }
      for (int i = 0; i < all.size(); i++) {
        double score = all.get(i).score();
        EmbeddingSearchRequest atScore =
            EmbeddingSearchRequest.builder()
                .queryEmbedding(query)
                .maxResults(50)
                .minScore(score)
                .build();
        assertThat(store.search(atScore).matches()).hasSize(i + 1);
        EmbeddingSearchRequest above =
            EmbeddingSearchRequest.builder()
                .queryEmbedding(query)
                .maxResults(50)
                .minScore(Math.min(1.0, Math.nextUp(score)))
                .build();
        assertThat(store.search(above).matches()).hasSize(i);
      }
    }
  }

  @Test
  void removeAllByFilter_removesMoreThanOneSearchReturns() {
    try (TieredMemory memory = memory()) {
      TieredEmbeddingStore store = TieredEmbeddingStore.of(memory);
      int n = 2_600;
      List<Embedding> embeddings = new ArrayList<>();
      List<TextSegment> segments = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        embeddings.add(randomEmbedding());
        segments.add(TextSegment.from("s" + i, new Metadata().put("even", i % 2 == 0 ? 1 : 0)));
      }
      store.addAll(embeddings, segments);
      store.add(randomEmbedding()); // no segment: no filter matches it

      store.removeAll(metadataKey("even").isEqualTo(1));
      assertThat(memory.stats().tier(io.tieredmemory.core.Tier.WARM).items()).isEqualTo(n / 2 + 1);
      store.removeAll();
      assertThat(memory.stats().tier(io.tieredmemory.core.Tier.WARM).items()).isZero();
      assertThat(store.search(nearest(randomEmbedding(), 10)).matches()).isEmpty();
    }
  }
}
