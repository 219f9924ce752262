package io.tieredmemory.springai;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.spi.Embedder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.ai.document.Document;
import org.springframework.ai.observation.conventions.SpringAiKind;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.observation.DefaultVectorStoreObservationConvention;
import org.springframework.ai.vectorstore.observation.VectorStoreObservationDocumentation.HighCardinalityKeyNames;
import org.springframework.ai.vectorstore.observation.VectorStoreObservationDocumentation.LowCardinalityKeyNames;

/** An add, a query and a delete each make Spring AI's vector store observation. */
class VectorStoreObservationTest {

  @Test
  void addQueryAndDelete_areObserved() {
    TestObservationRegistry registry = TestObservationRegistry.create();
    EmbedderModel model = new EmbedderModel(Embedder.hashing());
    try (TieredMemory memory =
        TieredMemory.builder("observed")
            .discoverObservers(false)
            .disableScheduledSweeps()
            .embedder(model.embedder)
            .build()) {
      TieredVectorStore store =
          TieredVectorStore.builder(memory, model)
              .keyPrefix("kb:")
              .observationRegistry(registry)
              .build();

      store.add(List.of(new Document("1", "Refunds take five days", Map.of("year", 2024))));
      TestObservationRegistryAssert.assertThat(registry)
          .doesNotHaveAnyRemainingCurrentObservation()
          .hasObservationWithNameEqualTo(DefaultVectorStoreObservationConvention.DEFAULT_NAME)
          .that()
          .hasContextualNameEqualTo("tiered_memory add")
          .hasLowCardinalityKeyValue(LowCardinalityKeyNames.DB_OPERATION_NAME.asString(), "add")
          .hasLowCardinalityKeyValue(LowCardinalityKeyNames.DB_SYSTEM.asString(), "tiered_memory")
          .hasLowCardinalityKeyValue(
              LowCardinalityKeyNames.SPRING_AI_KIND.asString(), SpringAiKind.VECTOR_STORE.value())
          .hasHighCardinalityKeyValue(
              HighCardinalityKeyNames.DB_VECTOR_DIMENSION_COUNT.asString(), "256")
          .hasHighCardinalityKeyValue(
              HighCardinalityKeyNames.DB_COLLECTION_NAME.asString(), "observed")
          .hasHighCardinalityKeyValue(HighCardinalityKeyNames.DB_NAMESPACE.asString(), "kb:")
          .hasHighCardinalityKeyValue(
              HighCardinalityKeyNames.DB_SEARCH_SIMILARITY_METRIC.asString(), "cosine")
          .hasBeenStarted()
          .hasBeenStopped();

      registry.clear();
      List<Document> found =
          store.similaritySearch(
              SearchRequest.builder()
                  .query("refund delay")
                  .topK(3)
                  .filterExpression("year == 2024")
                  .build());
      assertThat(found).extracting(Document::getId).containsExactly("1");
      TestObservationRegistryAssert.assertThat(registry)
          .doesNotHaveAnyRemainingCurrentObservation()
          .hasObservationWithNameEqualTo(DefaultVectorStoreObservationConvention.DEFAULT_NAME)
          .that()
          .hasContextualNameEqualTo("tiered_memory query")
          .hasLowCardinalityKeyValue(LowCardinalityKeyNames.DB_OPERATION_NAME.asString(), "query")
          .hasHighCardinalityKeyValue(
              HighCardinalityKeyNames.DB_VECTOR_QUERY_CONTENT.asString(), "refund delay")
          .hasHighCardinalityKeyValue(HighCardinalityKeyNames.DB_VECTOR_QUERY_TOP_K.asString(), "3")
          .hasHighCardinalityKeyValue(
              HighCardinalityKeyNames.DB_VECTOR_QUERY_SIMILARITY_THRESHOLD.asString(), "0.0")
          .hasHighCardinalityKeyValueWithKey(
              HighCardinalityKeyNames.DB_VECTOR_QUERY_FILTER.asString())
          .hasBeenStarted()
          .hasBeenStopped();

      registry.clear();
      store.delete("year == 2024");
      TestObservationRegistryAssert.assertThat(registry)
          .doesNotHaveAnyRemainingCurrentObservation()
          .hasObservationWithNameEqualTo(DefaultVectorStoreObservationConvention.DEFAULT_NAME)
          .that()
          .hasContextualNameEqualTo("tiered_memory delete")
          .hasBeenStarted()
          .hasBeenStopped();
      assertThat(memory.get("kb:1")).isEmpty();
    }
  }
}
