package io.tieredmemory.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.filter.MetadataFilterBuilder;
import io.tieredmemory.core.SweepResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.testkit.ManualClock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * A test's decorator: before each search (and each removal by filter, which searches), advances the
 * clock a minute and sweeps until nothing moves, so that under {@link OneStore#ARCHIVE_AT_ONCE}
 * every memory is archived to COLD and found there.
 */
final class ArchivingEmbeddingStore implements EmbeddingStore<TextSegment> {
  private final TieredEmbeddingStore delegate;
  private final ManualClock clock;

  ArchivingEmbeddingStore(TieredEmbeddingStore delegate, ManualClock clock) {
    this.delegate = delegate;
    this.clock = clock;
  }

  /** Archives every memory of the store to COLD. */
  void archiveAll() {
    archiveAll(delegate.memory(), clock);
  }

  /** Advances {@code clock} a minute and sweeps {@code memory} until nothing moves. */
  static void archiveAll(TieredMemory memory, ManualClock clock) {
    clock.advance(Duration.ofMinutes(1));
    for (int i = 0; i < 100; i++) {
      SweepResult r = memory.sweep();
      if (!r.succeeded()) {
        throw new AssertionError("sweep failed: " + r);
      }
      if (r.demoted() == 0 && r.archived() == 0) {
        return;
      }
    }
    throw new AssertionError("sweeps kept moving memories");
  }

  @Override
  public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request) {
    archiveAll();
    return delegate.search(request);
  }

  @Override
  public String add(Embedding embedding) {
    return delegate.add(embedding);
  }

  @Override
  public void add(String id, Embedding embedding) {
    delegate.add(id, embedding);
  }

  @Override
  public String add(Embedding embedding, TextSegment textSegment) {
    return delegate.add(embedding, textSegment);
  }

  @Override
  public List<String> addAll(List<Embedding> embeddings) {
    return delegate.addAll(embeddings);
  }

  @Override
  public List<String> addAll(List<Embedding> embeddings, List<TextSegment> embedded) {
    return delegate.addAll(embeddings, embedded);
  }

  @Override
  public void addAll(List<String> ids, List<Embedding> embeddings, List<TextSegment> embedded) {
    delegate.addAll(ids, embeddings, embedded);
  }

  @Override
  public void remove(String id) {
    delegate.remove(id);
  }

  @Override
  public void removeAll(Collection<String> ids) {
    delegate.removeAll(ids);
  }

  @Override
  public void removeAll(Filter filter) {
    archiveAll();
    delegate.removeAll(filter);
  }

  @Override
  public void removeAll() {
    archiveAll();
    delegate.removeAll();
  }

  /**
   * What the archived suites rely on: written memories are in HOT and WARM, and when a search runs
   * every one of them is in COLD only, found there with its id, embedding, text and typed metadata.
   */
  static void assertSearchesFindThemInCold(OneStore one) {
    EmbeddingStore<TextSegment> store = one.store();
    TieredMemory memory = one.memory();
    TextSegment hello = TextSegment.from("hello", new Metadata().put("n", 1).put("lang", "en"));
    TextSegment hi = TextSegment.from("hi", new Metadata().put("n", 2L).put("lang", "en"));
    Embedding helloVector = OneStore.MODEL.embed(hello).content();
    Embedding hiVector = OneStore.MODEL.embed(hi).content();
    List<String> ids = store.addAll(List.of(helloVector, hiVector), List.of(hello, hi));
    String bare = store.add(OneStore.MODEL.embed("bare").content());
    assertThat(memory.stats().tier(Tier.HOT).items()).isEqualTo(3);
    assertThat(memory.stats().tier(Tier.WARM).items()).isEqualTo(3);
    assertThat(memory.stats().tier(Tier.COLD).items()).isZero();

    List<EmbeddingMatch<TextSegment>> matches =
        store
            .search(
                EmbeddingSearchRequest.builder()
                    .queryEmbedding(helloVector)
                    .filter(MetadataFilterBuilder.metadataKey("lang").isEqualTo("en"))
                    .maxResults(10)
                    .build())
            .matches();

    assertThat(memory.stats().tier(Tier.HOT).items()).isZero();
    assertThat(memory.stats().tier(Tier.WARM).items()).isZero();
    assertThat(memory.stats().tier(Tier.COLD).items()).isEqualTo(3);
    assertThat(matches).extracting(EmbeddingMatch::embeddingId).containsExactlyElementsOf(ids);
    assertThat(matches.get(0).embedding()).isEqualTo(helloVector);
    assertThat(matches.get(0).embedded()).isEqualTo(hello);
    assertThat(matches.get(1).embedding()).isEqualTo(hiVector);
    assertThat(matches.get(1).embedded()).isEqualTo(hi);
    assertThat(matches.get(0).score()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
    // A search is not a read: nothing came back from COLD.
    assertThat(memory.stats().tier(Tier.COLD).items()).isEqualTo(3);
    assertThat(bare).isNotBlank();
  }
}
