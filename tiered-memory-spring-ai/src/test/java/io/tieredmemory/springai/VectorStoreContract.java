package io.tieredmemory.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.TieredMemory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.ai.document.Document;
import org.springframework.ai.test.vectorstore.BaseVectorStoreTests;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.VectorStore;

/**
 * Spring AI's own suite for vector stores ({@link BaseVectorStoreTests}: deletion by id, by a
 * filter expression and by its text), and what users of {@link TieredVectorStore} rely on beyond
 * it, on the tiers a subclass builds, with the real sentence model all-MiniLM-L6-v2 as the {@code
 * EmbeddingModel} and the memory store's embedder.
 */
abstract class VectorStoreContract extends BaseVectorStoreTests {

  static final EmbedderModel MODEL = EmbedderModel.miniLm();
  private static final AtomicInteger names = new AtomicInteger();

  /** A store on the tiers under test, embedding with {@link #MODEL}'s embedder. */
  abstract TieredMemory.Builder tiers(String name);

  /** The vector store the tests use (a subclass may decorate it). */
  VectorStore wrap(TieredVectorStore store, TieredMemory memory) {
    return store;
  }

  final void withStore(BiConsumer<VectorStore, TieredMemory> test) {
    try (TieredMemory memory =
        tiers("vs" + names.incrementAndGet()).disableScheduledSweeps().build()) {
      test.accept(wrap(TieredVectorStore.builder(memory, MODEL).build(), memory), memory);
    }
  }

  @Override
  protected void executeTest(Consumer<VectorStore> testFunction) {
    withStore((store, memory) -> testFunction.accept(store));
  }

  static SearchRequest.Builder query(String text) {
    return SearchRequest.builder().query(text).similarityThresholdAll();
  }

  static List<String> ids(List<Document> documents) {
    return documents.stream().map(Document::getId).toList();
  }

  @Test
  void aDocumentIsOneMemory_withTheModelsEmbedding_andItsMetadataComesBackTyped() {
    withStore(
        (store, memory) -> {
          Map<String, Object> metadata = new LinkedHashMap<>();
          metadata.put("country", "BG");
          metadata.put("year", 2023);
          metadata.put("rating", 4.5);
          metadata.put("open", true);
          metadata.put("views", 10_000_000_000L);
          metadata.put("tags", List.of("travel", "europe"));
          metadata.put("digits", "2023");
          String text = "Sofia is the capital of Bulgaria";
          store.add(List.of(new Document("d1", text, metadata)));

          Memory m = memory.get("document:d1").orElseThrow();
          assertThat(m.content()).isEqualTo(text);
          assertThat(m.embedding()).containsExactly(MODEL.embed(text));
          assertThat(m.metadata())
              .containsEntry("country", "\"BG\"")
              .containsEntry("year", "2023")
              .containsEntry("open", "true")
              .containsEntry("tags", "[\"travel\",\"europe\"]")
              .containsEntry("digits", "\"2023\"");

          List<Document> found = store.similaritySearch(query("capital of Bulgaria").build());
          assertThat(found).hasSize(1);
          Document d = found.get(0);
          assertThat(d.getId()).isEqualTo("d1");
          assertThat(d.getText()).isEqualTo(text);
          assertThat(d.getMetadata())
              .containsEntry("country", "BG")
              .containsEntry("year", 2023)
              .containsEntry("rating", 4.5)
              .containsEntry("open", true)
              .containsEntry("views", 10_000_000_000L)
              .containsEntry("tags", List.of("travel", "europe"))
              .containsEntry("digits", "2023");
          double similarity = m.similarityTo(MODEL.embed("capital of Bulgaria"));
          assertThat(d.getScore()).isCloseTo(similarity, within(1e-4));
          assertThat((Float) d.getMetadata().get("distance"))
              .isCloseTo((float) (1 - similarity), within(1e-4f));
        });
  }

  @Test
  void search_ranksByMeaning_honoursTopKAndTheThreshold() {
    withStore(
        (store, memory) -> {
          store.add(
              List.of(
                  new Document("cat", "The cat sleeps on the warm sofa", Map.of()),
                  new Document("refund", "Refunds are paid within five business days", Map.of()),
                  new Document("card", "Your money goes back to the card you paid with", Map.of()),
                  new Document("rain", "Heavy rain is expected in the mountains", Map.of())));
          String q = "How long until refunds are paid?";

          List<Document> all = store.similaritySearch(query(q).topK(4).build());
          assertThat(all).hasSizeGreaterThanOrEqualTo(2);
          assertThat(all.get(0).getId()).isEqualTo("refund");
          assertThat(all)
              .extracting(Document::getScore)
              .isSortedAccordingTo((a, b) -> Double.compare(b, a))
              .allSatisfy(score -> assertThat(score).isBetween(0.0, 1.0));

          assertThat(ids(store.similaritySearch(query(q).topK(1).build())))
              .containsExactly("refund");

          double threshold = (all.get(0).getScore() + all.get(1).getScore()) / 2;
          assertThat(
                  ids(
                      store.similaritySearch(
                          query(q).topK(4).similarityThreshold(threshold).build())))
              .containsExactly("refund");
          assertThat(store.similaritySearch(query(q).topK(0).build())).isEmpty();
        });
  }

  private static List<Document> typedDocuments() {
    return List.of(
        new Document(
            "a",
            "Old town walking tour",
            Map.of("country", "BG", "year", 2019, "rating", 3.5, "open", true)),
        new Document(
            "b",
            "Old town walking tour",
            Map.of("country", "BG", "year", 2023, "rating", 4.8, "open", false)),
        new Document(
            "c",
            "Old town walking tour",
            Map.of("country", "NL", "year", 2021, "rating", 4.1, "open", true)),
        new Document("d", "Old town walking tour", Map.of("country", "US", "rating", 2.0)));
  }

  private static List<String> filtered(VectorStore store, String filter) {
    return ids(
            store.similaritySearch(query("walking tour").topK(10).filterExpression(filter).build()))
        .stream()
        .sorted()
        .toList();
  }

  @Test
  void search_evaluatesFilterExpressionsOnTypedMetadata() {
    withStore(
        (store, memory) -> {
          store.add(typedDocuments());
          assertThat(filtered(store, "country == 'BG'")).containsExactly("a", "b");
          assertThat(filtered(store, "country != 'BG'")).containsExactly("c", "d");
          assertThat(filtered(store, "year >= 2021")).containsExactly("b", "c");
          assertThat(filtered(store, "year > 2019 && year < 2023")).containsExactly("c");
          assertThat(filtered(store, "year == 2023.0")).containsExactly("b");
          assertThat(filtered(store, "rating <= 3.5")).containsExactly("a", "d");
          assertThat(filtered(store, "open == true")).containsExactly("a", "c");
          assertThat(filtered(store, "country in ['NL', 'US']")).containsExactly("c", "d");
          assertThat(filtered(store, "country nin ['NL', 'US']")).containsExactly("a", "b");
          assertThat(filtered(store, "country == 'BG' || rating > 4.0"))
              .containsExactly("a", "b", "c");
          assertThat(filtered(store, "NOT(country == 'BG')")).containsExactly("c", "d");
          assertThat(filtered(store, "(country == 'BG' || country == 'NL') && open == true"))
              .containsExactly("a", "c");
          assertThat(filtered(store, "year IS NULL")).containsExactly("d");
          assertThat(filtered(store, "country == 'FR'")).isEmpty();
        });
  }

  @Test
  void searchesAndRemovalsByFilter_seeOnlyTheStoresKeyPrefix() {
    withStore(
        (store, memory) -> {
          memory.put("chat:1", "Old town walking tour", Map.of("country", "\"BG\""));
          TieredVectorStore other =
              TieredVectorStore.builder(memory, MODEL).keyPrefix("faq:").build();
          other.add(List.of(new Document("x", "Old town walking tour", Map.of("country", "BG"))));
          store.add(List.of(new Document("x", "Old town walking tour", Map.of("country", "BG"))));

          assertThat(ids(store.similaritySearch(query("walking tour").topK(10).build())))
              .containsExactly("x");
          store.delete("country == 'BG'");
          assertThat(store.similaritySearch(query("walking tour").topK(10).build())).isEmpty();
          assertThat(memory.get("document:x")).isEmpty();
          assertThat(memory.get("faq:x")).isPresent();
          assertThat(memory.get("chat:1")).isPresent();
          assertThat(ids(other.similaritySearch(query("walking tour").topK(10).build())))
              .containsExactly("x");
        });
  }

  @Test
  void removalByFilter_comparesTypedValues_andAddingAnIdAgainReplacesIt() {
    withStore(
        (store, memory) -> {
          store.add(typedDocuments());
          store.delete("year < 2022 && open == true");
          assertThat(filtered(store, "rating > 0")).containsExactly("b", "d");

          store.add(List.of(new Document("b", "A new text", Map.of("year", 2030))));
          List<Document> b =
              store.similaritySearch(
                  query("walking tour").topK(10).filterExpression("year == 2030").build());
          assertThat(b).hasSize(1);
          assertThat(b.get(0).getText()).isEqualTo("A new text");
          assertThat(b.get(0).getMetadata()).doesNotContainKey("country");
        });
  }
}
