package io.tieredmemory.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A writer's own embedding on the in-process default store: kept with the memory in every tier,
 * carried by every move (never re-embedded), and what a search ranks the memory by; and the search
 * request's vector, minimum similarity and filter.
 */
class TieredMemoryEmbeddingTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final Embedder HASHING = Embedder.hashing(16);

  private final MutableClock clock = new MutableClock(T0);
  private final TieredMemory store =
      TieredMemory.builder("embedding-test")
          .discoverObservers(false)
          .disableScheduledSweeps()
          .clock(clock)
          .embedder(HASHING)
          .policy(
              TieringPolicy.custom()
                  .promoteAfter(2, Duration.ofMinutes(10))
                  .demoteWhenIdle(Duration.ofMinutes(1))
                  .archiveWhenIdle(Duration.ofMinutes(5))
                  .rehydrate(true, false)
                  .build())
          .build();

  @AfterEach
  void close() {
    store.close();
  }

  /** A unit vector along dimension {@code i}, far from any hashed text in general. */
  private static float[] axis(int i) {
    float[] v = new float[16];
    v[i] = 1f;
    return v;
  }

  @Test
  void theWritersEmbedding_isKept_andCarriedThroughEveryTier() {
    float[] own = {
      0.1f, -0.0f, 1e-45f, 3.4028235e38f, 0.33333334f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
    };
    Memory put = store.put(MemoryWrite.of("doc:1", "refunds take five days").withEmbedding(own));
    assertThat(put.embedding()).containsExactly(own);

    // Promoted to HOT by two reads, then read from HOT.
    store.get("doc:1");
    store.get("doc:1");
    assertThat(store.tier(Tier.HOT).count()).isEqualTo(1);
    assertThat(store.get("doc:1").orElseThrow().embedding()).containsExactly(own);

    // Demoted, then archived to COLD: still the same floats, and searchable by them.
    clock.advance(Duration.ofMinutes(10));
    store.sweep();
    assertThat(store.tier(Tier.COLD).count()).isEqualTo(1);
    List<SearchHit> hits = store.search(SearchRequest.vector(own, 5));
    assertThat(hits).singleElement().satisfies(h -> assertThat(h.tier()).isEqualTo(Tier.COLD));
    assertThat(hits.get(0).similarity()).isCloseTo(1.0, within(1e-6));
    assertThat(hits.get(0).memory().embedding()).containsExactly(own);

    // Read back from COLD (rehydrated to WARM): the same floats again.
    assertThat(store.get("doc:1").orElseThrow().embedding()).containsExactly(own);
    assertThat(store.tier(Tier.WARM).count()).isEqualTo(1);
    assertThat(store.search(SearchRequest.vector(own, 5)).get(0).tier()).isEqualTo(Tier.WARM);
  }

  @Test
  void search_ranksByTheWritersEmbedding_notTheContent() {
    store.put(MemoryWrite.of("own", "bakery revenue grew").withEmbedding(axis(3)));
    store.put("plain", "bakery revenue grew");

    List<SearchHit> byVector = store.search(SearchRequest.vector(axis(3), 2));
    assertThat(byVector.get(0).memory().key()).isEqualTo("own");
    assertThat(byVector.get(0).similarity()).isCloseTo(1.0, within(1e-6));

    List<SearchHit> byText = store.search("bakery revenue grew", 2);
    assertThat(byText.get(0).memory().key()).isEqualTo("plain");
    assertThat(byText.get(0).similarity()).isCloseTo(1.0, within(1e-6));
  }

  @Test
  void anUpdateWithoutEmbedding_dropsTheOldOne() {
    store.put(MemoryWrite.of("k", "first").withEmbedding(axis(1)));
    store.put("k", "second");

    assertThat(store.get("k").orElseThrow().hasEmbedding()).isFalse();
    assertThat(store.search(SearchRequest.vector(axis(1), 1)).get(0).similarity()).isLessThan(0.99);
  }

  @Test
  void filterAndMinSimilarity_selectBeforeTheKBestAreKept() {
    for (int i = 0; i < 20; i++) {
      float[] v = axis(0);
      v[1] = i / 10f; // similarity to axis(0) falls as i grows
      store.put(
          MemoryWrite.of("m" + i, "memory " + i)
              .withMetadata(Map.of("parity", i % 2 == 0 ? "even" : "odd"))
              .withEmbedding(v));
    }
    clock.advance(Duration.ofMinutes(10));
    store.sweep(); // archive half the story: every memory is in COLD now
    store.put(MemoryWrite.of("m1", "memory 1 again").withMetadata(Map.of("parity", "even")));

    List<SearchHit> odd =
        store.search(
            SearchRequest.vector(axis(0), 3)
                .withFilter(m -> "odd".equals(m.metadata().get("parity"))));
    assertThat(odd).extracting(h -> h.memory().key()).containsExactly("m3", "m5", "m7");

    List<SearchHit> close =
        store.search(
            SearchRequest.vector(axis(0), 20).withMinSimilarity(Math.cos(Math.atan(0.25))));
    assertThat(close).extracting(h -> h.memory().key()).containsExactly("m0", "m2");
  }

  @Test
  void aWarmVersionTheFilterRefuses_hidesTheArchivedOne() {
    store.put(MemoryWrite.of("k", "v1").withMetadata(Map.of("tag", "a")).withEmbedding(axis(2)));
    clock.advance(Duration.ofMinutes(10));
    store.sweep();
    // Rewritten in WARM with another tag: COLD's copy is stale and must not be served.
    store.put(MemoryWrite.of("k", "v2").withMetadata(Map.of("tag", "b")).withEmbedding(axis(2)));

    assertThat(
            store.search(
                SearchRequest.vector(axis(2), 5)
                    .withFilter(m -> "a".equals(m.metadata().get("tag")))))
        .isEmpty();
    assertThat(
            store.search(
                SearchRequest.vector(axis(2), 5)
                    .withFilter(m -> "b".equals(m.metadata().get("tag")))))
        .singleElement()
        .satisfies(h -> assertThat(h.memory().content()).isEqualTo("v2"));
  }

  @Test
  void anEmbeddingOfAnotherDimension_isRefused_namingKeyAndDimensions() {
    assertThatThrownBy(() -> store.put(MemoryWrite.of("k", "c").withEmbedding(new float[3])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("embedding of key 'k'")
        .hasMessageContaining("must have 16 dimensions")
        .hasMessageContaining("had 3");
    assertThatThrownBy(
            () ->
                store.putAll(
                    List.of(
                        MemoryWrite.of("ok", "c"),
                        MemoryWrite.of("bad", "c").withEmbedding(new float[17]))))
        .hasMessageContaining("embedding of key 'bad'");
    assertThat(store.get("ok")).as("nothing of the batch written").isEmpty();
    assertThat(store.get("k")).isEmpty();
  }

  @Test
  void aNonFiniteEmbedding_isRefused() {
    float[] v = axis(0);
    v[5] = Float.NaN;
    assertThatThrownBy(() -> store.put(MemoryWrite.of("k", "c").withEmbedding(v)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be finite, was NaN at 5");
    float[] inf = axis(0);
    inf[0] = Float.POSITIVE_INFINITY;
    assertThatThrownBy(() -> store.search(SearchRequest.vector(inf, 1)))
        .hasMessageContaining("request.vector must be finite");
  }

  @Test
  void aQueryVectorOfAnotherDimension_isRefused() {
    assertThatThrownBy(() -> store.search(SearchRequest.vector(new float[4], 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "request.vector must have 16 dimensions (the store's embedder, "
                + HASHING
                + "), had 4");
  }

  @Test
  void searchRequest_refusesWhatNoSearchCanAnswer() {
    assertThatThrownBy(() -> SearchRequest.text("q", 0))
        .hasMessage("k must be between 1 and 1000, was 0");
    assertThatThrownBy(() -> SearchRequest.text("q", 1001)).hasMessageContaining("was 1001");
    assertThatThrownBy(() -> SearchRequest.text("q", 1).withMinSimilarity(1.5))
        .hasMessage("minSimilarity must be between -1 and 1, was 1.5");
    assertThatThrownBy(() -> SearchRequest.text("q", 1).withMinSimilarity(Double.NaN))
        .hasMessageContaining("was NaN");
    assertThatThrownBy(() -> new SearchRequest(null, null, 1, 0, SearchRequest.ANY))
        .hasMessage("a search needs text or a vector, had neither");
    assertThatThrownBy(() -> SearchRequest.text(null, 1)).hasMessage("text must not be null");
    assertThatThrownBy(() -> SearchRequest.vector(null, 1)).hasMessage("vector must not be null");
    assertThatThrownBy(() -> SearchRequest.text("q", 1).withFilter(null))
        .hasMessage("filter must not be null");
  }

  @Test
  void valuesCopyTheirVectors() {
    float[] v = axis(0);
    MemoryWrite w = MemoryWrite.of("k", "c").withEmbedding(v);
    SearchRequest r = SearchRequest.vector(v, 1);
    v[0] = 42;
    assertThat(w.embedding()[0]).isEqualTo(1f);
    assertThat(r.vector()[0]).isEqualTo(1f);
    w.embedding()[0] = 7;
    assertThat(w.embedding()[0]).isEqualTo(1f);
    assertThat(w).isEqualTo(MemoryWrite.of("k", "c").withEmbedding(axis(0)));
    assertThat(w).isNotEqualTo(MemoryWrite.of("k", "c"));
    assertThat(w.hashCode()).isEqualTo(MemoryWrite.of("k", "c").withEmbedding(axis(0)).hashCode());
    assertThat(w.toString()).contains("embedding=16 floats");

    Memory m = store.put(w);
    assertThat(m).isEqualTo(store.get("k").orElseThrow());
    assertThat(m).isNotEqualTo(m.withEmbedding(null));
    assertThat(m.toString()).contains("embedding=16 floats");
    assertThat(m.withEmbedding(null).toString()).doesNotContain("embedding");
  }

  @Test
  void embedderIds_nameTheVectorSpace() {
    assertThat(Embedder.hashing().id()).isEqualTo("hashing/256");
    assertThat(Embedder.hashing(64).id()).isEqualTo("hashing/64");
    assertThat(store.embedder()).isSameAs(HASHING);
    Embedder custom =
        new Embedder() {
          @Override
          public int dimension() {
            return 3;
          }

          @Override
          public float[] embed(String text) {
            return new float[3];
          }
        };
    assertThat(custom.id()).endsWith("/3").startsWith(getClass().getName());
  }
}
