package io.tieredmemory.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Search on the in-process default store. */
class TieredMemorySearchTest {

  private static final Map<String, String> MEMORIES =
      Map.of(
          "lang", "the user prefers French answers",
          "pet", "the user has a dog called Rex",
          "bakery", "quarterly revenue of the bakery",
          "weather", "it rained all week in Lisbon",
          "stack", "the service is written in Java with PostgreSQL");

  private TieredMemory store;

  @BeforeEach
  void fill() {
    store = TieredMemory.builder("search-test").discoverObservers(false).build();
    MEMORIES.forEach(store::put);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void search_orderedBySimilarityDescending() {
    List<SearchHit> hits = store.search("does the user prefer French", 10);

    assertThat(hits).hasSize(5);
    assertThat(hits)
        .isSortedAccordingTo(Comparator.comparingDouble(SearchHit::similarity).reversed());
    assertThat(hits.get(0).memory().key()).isEqualTo("lang");
    assertThat(hits).extracting(h -> h.memory().key()).doesNotHaveDuplicates();
  }

  @Test
  void search_exactContent_topHitSimilarityOne() {
    for (Map.Entry<String, String> e : MEMORIES.entrySet()) {
      List<SearchHit> hits = store.search(e.getValue(), 5);

      assertThat(hits.get(0).memory().key()).as(e.getKey()).isEqualTo(e.getKey());
      assertThat(hits.get(0).similarity()).as(e.getKey()).isCloseTo(1.0, within(1e-5));
      assertThat(hits.get(1).similarity()).as(e.getKey()).isLessThan(0.9);
    }
  }

  @Test
  void search_kLimitsCount() {
    List<SearchHit> all = store.search("the user", 5);

    for (int k = 1; k <= 5; k++) {
      assertThat(store.search("the user", k)).as("k=%d", k).isEqualTo(all.subList(0, k));
    }
    assertThat(store.search("the user", 1000)).isEqualTo(all);
  }

  @Test
  void search_freshMemoriesAreWarm() {
    assertThat(store.search("user", 10)).extracting(SearchHit::tier).containsOnly(Tier.WARM);
  }

  @Test
  void search_returnsStoredMemory() {
    SearchHit top = store.search("quarterly revenue of the bakery", 1).get(0);

    assertThat(top.memory()).isEqualTo(store.get("bakery").orElseThrow());
    assertThat(top.memory().content()).isEqualTo("quarterly revenue of the bakery");
  }

  @Test
  void search_afterUpdate_latestVersionOnce() {
    store.put("lang", "the user prefers German answers");

    List<SearchHit> hits = store.search("the user prefers German answers", 10);

    assertThat(hits).filteredOn(h -> h.memory().key().equals("lang")).hasSize(1);
    assertThat(hits.get(0).memory().key()).isEqualTo("lang");
    assertThat(hits.get(0).memory().content()).isEqualTo("the user prefers German answers");
    assertThat(hits.get(0).similarity()).isCloseTo(1.0, within(1e-5));
  }

  @Test
  void search_afterDelete_notReturned() {
    store.delete("bakery");

    assertThat(store.search("quarterly revenue of the bakery", 10))
        .extracting(h -> h.memory().key())
        .hasSize(4)
        .doesNotContain("bakery");
  }

  @Test
  void search_afterPromotion_stillOnce() {
    for (int i = 0; i < 5; i++) {
      store.get("pet");
    }

    List<SearchHit> hits = store.search("the user has a dog called Rex", 10);

    assertThat(hits).extracting(h -> h.memory().key()).containsOnlyOnce("pet");
    assertThat(hits.get(0).memory().key()).isEqualTo("pet");
  }

  @Test
  void search_emptyStore() {
    try (TieredMemory empty = TieredMemory.builder("empty").discoverObservers(false).build()) {
      assertThat(empty.search("anything", 3)).isEmpty();
    }
  }

  @Test
  void search_resultIsImmutable() {
    List<SearchHit> hits = store.search("user", 3);

    org.assertj.core.api.Assertions.assertThatThrownBy(hits::clear)
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
