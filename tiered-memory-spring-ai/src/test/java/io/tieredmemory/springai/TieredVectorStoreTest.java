package io.tieredmemory.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.Embedder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.BatchingStrategy;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.VectorStore;

/**
 * What {@link TieredVectorStore} does beyond {@link VectorStoreContract}, on the in-process tiers
 * with the hashing embedder (fast enough for thousands of documents).
 */
class TieredVectorStoreTest {

  private final EmbedderModel model = new EmbedderModel(Embedder.hashing());
  private final TieredMemory memory =
      TieredMemory.builder("vs-test")
          .discoverObservers(false)
          .disableScheduledSweeps()
          .embedder(model.embedder)
          .build();

  @AfterEach
  void close() {
    memory.close();
  }

  private static Document doc(String id, int n) {
    return new Document(id, "document number " + n, Map.of("n", n, "even", n % 2 == 0));
  }

  private static SearchRequest.Builder everything() {
    return SearchRequest.builder().query("document number").topK(1000).similarityThresholdAll();
  }

  @Test
  void removalByFilter_removesMoreThanOneSearchFinds() {
    TieredVectorStore store = TieredVectorStore.builder(memory, model).build();
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      docs.add(doc("d" + i, i));
    }
    store.add(docs);
    assertThat(store.similaritySearch(everything().build())).hasSize(1000);

    store.delete("n >= 10");
    List<Document> left = store.similaritySearch(everything().build());
    assertThat(left)
        .extracting(Document::getId)
        .containsExactlyInAnyOrder("d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9");
    assertThat(memory.get("document:d10")).isEmpty();
    assertThat(memory.get("document:d2499")).isEmpty();

    store.delete("even == false");
    assertThat(store.similaritySearch(everything().build()))
        .extracting(Document::getId)
        .containsExactlyInAnyOrder("d0", "d2", "d4", "d6", "d8");
  }

  @Test
  void documentsAreEmbeddedInTheBatchesOfTheBatchingStrategy() {
    BatchingStrategy pairs =
        documents -> {
          List<List<Document>> batches = new ArrayList<>();
          for (int i = 0; i < documents.size(); i += 2) {
            batches.add(documents.subList(i, Math.min(documents.size(), i + 2)));
          }
          return batches;
        };
    TieredVectorStore store =
        TieredVectorStore.builder(memory, model).batchingStrategy(pairs).build();
    store.add(List.of(doc("a", 1), doc("b", 2), doc("c", 3), doc("d", 4), doc("e", 5)));
    assertThat(model.requestSizes).containsExactly(2, 2, 1);
    assertThat(memory.get("document:e").orElseThrow().embedding())
        .containsExactly(model.embedder.embed("document number 5"));
  }

  @Test
  void aModelOfAnotherDimension_isRefused_sayingHow_andNothingIsStored() {
    TieredVectorStore store =
        TieredVectorStore.builder(memory, new EmbedderModel(Embedder.hashing(64))).build();
    assertThatThrownBy(() -> store.add(List.of(doc("a", 1))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("64 floats")
        .hasMessageContaining("document 'a'")
        .hasMessageContaining("hashing/256")
        .hasMessageContaining(".embedder(new SpringAiEmbedder(embeddingModel))");
    assertThat(memory.get("document:a")).isEmpty();
    assertThatThrownBy(() -> store.similaritySearch("document"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("for the query");
  }

  @Test
  void tiersThatCannotSearch_areRefused_sayingHow() {
    try (TieredMemory plain =
        TieredMemory.builder("plain")
            .discoverObservers(false)
            .disableScheduledSweeps()
            .embedder(model.embedder)
            .cold(InProcessTiers.plain())
            .build()) {
      assertThatThrownBy(() -> TieredVectorStore.builder(plain, model).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("COLD of the memory store 'plain'")
          .hasMessageContaining("embedder")
          .hasMessageContaining("tiered-memory.spring-ai.vector-store.enabled=false");
    }
  }

  @Test
  void badInput_isRefused_namingTheFieldAndValue_andNothingIsStored() {
    TieredVectorStore store = TieredVectorStore.builder(memory, model).build();
    assertThatThrownBy(
            () ->
                store.add(
                    List.of(doc("ok", 1), new Document("bad", "text", Map.of("tm_x", "reserved")))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tm_x");
    assertThat(memory.get("document:ok")).isEmpty();
    assertThatThrownBy(() -> store.similaritySearch(everything().topK(1001).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("topK must be at most 1000")
        .hasMessageContaining("was 1001");
    assertThatThrownBy(() -> TieredVectorStore.builder(memory, model).keyPrefix(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keyPrefix");
  }

  @Test
  void theNativeClientIsTheMemoryStore_andDeletingUnknownIdsIsHarmless() {
    TieredVectorStore store = TieredVectorStore.builder(memory, model).keyPrefix("kb/").build();
    VectorStore asVectorStore = store;
    assertThat(asVectorStore.<TieredMemory>getNativeClient()).containsSame(memory);
    assertThat(store.keyOf("x")).isEqualTo("kb/x");
    store.add(List.of(doc("x", 1)));
    assertThat(memory.get("kb/x")).isPresent();
    store.delete(List.of("nope", "x"));
    assertThat(memory.get("kb/x")).isEmpty();
    store.add(List.of());
  }
}
