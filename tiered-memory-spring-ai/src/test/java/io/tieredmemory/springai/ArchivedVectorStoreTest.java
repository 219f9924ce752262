package io.tieredmemory.springai;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.SearchHit;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.ai.document.Document;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.ai.vectorstore.filter.Filter;

/**
 * {@link VectorStoreContract} with every document archived to COLD before each search: the policy
 * demotes and archives after 1 ms idle, and the store under test advances the clock a minute and
 * sweeps before each {@code similaritySearch}. Searches, deletions and filters then all work on
 * COLD's copies, ranked by the embeddings the documents were added with.
 */
class ArchivedVectorStoreTest extends VectorStoreContract {

  private final ManualClock clock = new ManualClock();

  /** The tiers the documents are archived on: in process here. */
  TieredMemory.Builder base(String name) {
    return TieredMemory.builder(name).discoverObservers(false).embedder(MODEL.embedder);
  }

  @Override
  final TieredMemory.Builder tiers(String name) {
    return base(name)
        .clock(clock)
        .policy(
            TieringPolicy.custom()
                .demoteWhenIdle(Duration.ofMillis(1))
                .archiveWhenIdle(Duration.ofMillis(1))
                .build());
  }

  @Override
  VectorStore wrap(TieredVectorStore store, TieredMemory memory) {
    return new ArchivingBeforeSearch(store, memory, clock);
  }

  /** The documents a search finds are in COLD, and nowhere else, when it runs. */
  @Test
  void everyDocumentIsInColdWhenSearched() {
    withStore(
        (store, memory) -> {
          store.add(
              List.of(
                  new Document("a", "Refunds are paid within five days", Map.of("year", 2023)),
                  new Document(
                      "b", "Refunds for cancelled trips take a week", Map.of("year", 2020))));
          List<Document> found =
              store.similaritySearch(
                  SearchRequest.builder()
                      .query("When are refunds paid?")
                      .topK(5)
                      .similarityThresholdAll()
                      .build());
          assertThat(ids(found)).containsExactlyInAnyOrder("a", "b");
          List<SearchHit> hits =
              memory.search(io.tieredmemory.core.SearchRequest.text("When are refunds paid?", 5));
          assertThat(hits).extracting(SearchHit::tier).containsOnly(Tier.COLD).hasSize(2);
          assertThat(memory.stats().tier(Tier.COLD).items()).isEqualTo(2);
          assertThat(memory.stats().tier(Tier.WARM).items()).isZero();
          assertThat(memory.stats().tier(Tier.HOT).items()).isZero();
          // the embedding moved with the memory: the score is the one of the added embedding
          assertThat(found.get(0).getScore())
              .isCloseTo(
                  cosine(
                      MODEL.embed("When are refunds paid?"),
                      MODEL.embed("Refunds are paid within five days")),
                  org.assertj.core.api.Assertions.within(1e-4));
        });
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  /** The store under test: before each search, a minute passes and the memory store sweeps. */
  static final class ArchivingBeforeSearch implements VectorStore {
    private final VectorStore delegate;
    private final TieredMemory memory;
    private final ManualClock clock;

    ArchivingBeforeSearch(VectorStore delegate, TieredMemory memory, ManualClock clock) {
      this.delegate = delegate;
      this.memory = memory;
      this.clock = clock;
    }

    @Override
    public void add(List<Document> documents) {
      delegate.add(documents);
    }

    @Override
    public void delete(List<String> idList) {
      delegate.delete(idList);
    }

    @Override
    public void delete(Filter.Expression filterExpression) {
      delegate.delete(filterExpression);
    }

    @Override
    public List<Document> similaritySearch(SearchRequest request) {
      clock.advance(Duration.ofMinutes(1));
      memory.sweep();
      return delegate.similaritySearch(request);
    }
  }
}
