package io.tieredmemory.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.ScoredMemory;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.core.spi.VectorSearch;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.NullUnmarked;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The {@link TierStoreContract} plus similarity search (the {@code @Nested} group "similarity
 * search"). Searchable backends (COLD tiers, and WARM tiers that search) extend this one instead,
 * and create the store with {@link #embedder()}:
 *
 * <pre>{@code
 * class ChromaTierStoreIT extends SearchableTierStoreContract {
 *   protected TierStore createStore() {
 *     return ChromaTierStore.builder(URI.create("http://127.0.0.1:8000"), embedder())
 *         .collection("it-" + UUID.randomUUID())
 *         .build();
 *   }
 * }
 * }</pre>
 */
// Test code: NullAway does not check it (a null where a memory was expected fails the test).
@NullUnmarked
public abstract class SearchableTierStoreContract extends TierStoreContract {

  /** The embedder the store under test was created with. */
  protected Embedder embedder() {
    return Embedder.hashing();
  }

  @Override
  protected abstract TierStore createStore();

  private VectorSearch searchable() {
    return store.vectorSearch().orElseThrow();
  }

  @Nested
  @DisplayName("similarity search")
  class Search {
    @Test
    void search_returnsMostSimilarFirst() {
      store.upsert(memory(key("fr"), "the user prefers answers in French", 1), T0_MILLIS);
      store.upsert(memory(key("bake"), "quarterly revenue of the bakery grew", 1), T0_MILLIS);
      store.upsert(memory(key("dark"), "the user likes dark mode in the editor", 1), T0_MILLIS);
      store.flush();

      String query = "which language does the user prefer for answers";
      List<ScoredMemory> hits = searchable().search(embedder().embed(query), query, 2);

      assertThat(hits).hasSize(2);
      assertThat(hits.get(0).memory().key()).isEqualTo(key("fr"));
      assertThat(hits.get(0).similarity()).isGreaterThan(hits.get(1).similarity());
    }

    @Test
    void search_exactContent_hasSimilarityOne() {
      String text = "meeting with Dana moved to Thursday 10:00";
      store.upsert(memory(key("exact"), text, 1), T0_MILLIS);
      store.flush();

      List<ScoredMemory> hits = searchable().search(embedder().embed(text), text, 1);

      assertThat(hits).hasSize(1);
      assertThat(hits.get(0).memory().content()).isEqualTo(text);
      assertThat(hits.get(0).similarity()).isCloseTo(1.0, within(1e-4));
    }

    @Test
    void search_findsCopiedInMemories_andForgetsRemovedOnes() {
      TierStore s = store;
      s.copyIn(
          new io.tieredmemory.core.spi.StoredMemory(
              memory(key("copied"), "archived note about invoices", 3), 0, T0_MILLIS));
      s.upsert(memory(key("removed"), "archived note about invoices and taxes", 1), T0_MILLIS);
      s.remove(key("removed"));
      s.flush();

      String q = "note about invoices";
      List<ScoredMemory> hits = searchable().search(embedder().embed(q), q, 10);

      assertThat(hits).extracting(h -> h.memory().key()).contains(key("copied"));
      assertThat(hits).extracting(h -> h.memory().key()).doesNotContain(key("removed"));
      assertThat(hits.get(0).memory().version()).isEqualTo(3);
    }

    @Test
    void search_ranksAMemoryByTheWritersEmbedding_notItsContent() {
      float[] french = embedder().embed("the user prefers answers in French");
      store.upsert(
          new io.tieredmemory.core.Memory(
              key("own"), "unrelated words about bakeries", Map.of(), T0, T0, 1, french),
          T0_MILLIS);
      store.upsert(memory(key("plain"), "quarterly revenue of the bakery grew", 1), T0_MILLIS);
      store.flush();

      List<ScoredMemory> hits = searchable().search(french, "", 2);

      assertThat(hits).isNotEmpty();
      assertThat(hits.get(0).memory().key()).isEqualTo(key("own"));
      assertThat(hits.get(0).similarity()).isCloseTo(1.0, within(1e-4));
      assertThat(hits.get(0).memory().embedding()).containsExactly(french);
    }

    @Test
    void search_withAFilter_returnsUpToKAcceptedMemories_bestFirst() {
      for (int i = 0; i < 30; i++) {
        store.upsert(
            new io.tieredmemory.core.Memory(
                key("f" + i),
                "note number " + i + " about invoices",
                Map.of("parity", i % 2 == 0 ? "even" : "odd"),
                T0,
                T0,
                1),
            T0_MILLIS);
      }
      store.flush();

      String q = "note about invoices";
      List<ScoredMemory> hits =
          searchable()
              .search(embedder().embed(q), q, 5, m -> "odd".equals(m.metadata().get("parity")));

      assertThat(hits).hasSize(5);
      assertThat(hits)
          .allSatisfy(h -> assertThat(h.memory().metadata()).containsEntry("parity", "odd"));
      for (int i = 1; i < hits.size(); i++) {
        assertThat(hits.get(i).similarity()).isLessThanOrEqualTo(hits.get(i - 1).similarity());
      }
      assertThat(
              searchable().search(embedder().embed(q), q, 5, m -> m.metadata().containsKey("nope")))
          .isEmpty();
    }

    @Test
    void search_emptyStore_returnsNothing() {
      String q = "anything";
      assertThat(searchable().search(embedder().embed(q), q, 5)).isEmpty();
    }
  }
}
