package io.tieredmemory.langchain4j;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithFilteringIT;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * LangChain4j's EmbeddingStore suite with filtering (and, inherited, its basic and without-metadata
 * suites) on one {@link OneStore} setup per subclass. Filters run through LangChain4j's own {@code
 * Filter.test}, so {@code containsString} is supported: the suite's contains tests run, and its one
 * test for stores without it runs here as its converse.
 */
abstract class FilteringSuite extends EmbeddingStoreWithFilteringIT {
  final OneStore one;

  FilteringSuite(Supplier<OneStore> setup) {
    this.one = setup.get();
  }

  @Override
  protected EmbeddingStore<TextSegment> embeddingStore() {
    return one.store();
  }

  @Override
  protected EmbeddingModel embeddingModel() {
    return OneStore.MODEL;
  }

  @Override
  protected boolean supportsContains() {
    return true;
  }

  /**
   * LangChain4j's test expects stores without {@code containsString} to throw; this store has it,
   * so the same request is answered, with exactly the memory whose value contains the text.
   */
  @Test
  @Override
  protected void should_throw_exception_when_contains_is_not_supported() {
    TextSegment matching = TextSegment.from("matching", new Metadata().put("key", "a value here"));
    TextSegment other = TextSegment.from("matching", new Metadata().put("key", "another"));
    embeddingStore().add(embeddingModel().embed(matching).content(), matching);
    embeddingStore().add(embeddingModel().embed(other).content(), other);

    List<EmbeddingMatch<TextSegment>> found =
        embeddingStore()
            .search(
                EmbeddingSearchRequest.builder()
                    .queryEmbedding(embeddingModel().embed("matching").content())
                    .query("matching")
                    .filter(metadataKey("key").containsString("value"))
                    .maxResults(100)
                    .build())
            .matches();

    assertThat(found).extracting(EmbeddingMatch::embedded).containsExactly(matching);
  }

  @AfterEach
  void closeStore() throws Exception {
    one.close();
  }
}
