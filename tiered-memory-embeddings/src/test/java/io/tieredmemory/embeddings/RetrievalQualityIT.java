package io.tieredmemory.embeddings;

import static io.tieredmemory.embeddings.RetrievalSet.OVERLAP;
import static io.tieredmemory.embeddings.RetrievalSet.PARAPHRASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.chroma.ChromaTierStore;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.embeddings.RetrievalEvaluation.Placement;
import io.tieredmemory.embeddings.RetrievalEvaluation.Row;
import io.tieredmemory.embeddings.RetrievalEvaluation.Scores;
import io.tieredmemory.embeddings.RetrievalSet.Fact;
import io.tieredmemory.embeddings.RetrievalSet.Question;
import io.tieredmemory.testservers.RealServers;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * {@link RetrievalQualityTest} with COLD on the real Chroma ({@code TM_CHROMA_URL}): the memories
 * all archived to Chroma, and half archived (the other half in the in-process WARM). Chroma ranks
 * by its own distance over the vectors the embedder wrote; the figures must match the in-process
 * ones' floors.
 */
class RetrievalQualityIT {

  @Test
  void miniLm_findsParaphrases_farAboveHashing_withColdOnChroma() {
    URI chroma = URI.create(RealServers.chromaUrl());
    List<Fact> facts = RetrievalSet.memories();
    List<Question> paraphrases = RetrievalSet.questions(PARAPHRASE);
    List<Question> overlaps = RetrievalSet.questions(OVERLAP);
    CachingEmbedder hashing = new CachingEmbedder("hashing", Embedder.hashing());
    CachingEmbedder miniLm = new CachingEmbedder("MiniLM", MiniLmEmbedder.shared());

    List<Row> rows = new ArrayList<>();
    for (CachingEmbedder embedder : List.of(hashing, miniLm)) {
      for (Placement placement : List.of(Placement.COLD, Placement.MIXED)) {
        String collection =
            String.format(
                Locale.ROOT,
                "retrieval-%s-%s-%x",
                embedder.name().toLowerCase(Locale.ROOT),
                placement.name().toLowerCase(Locale.ROOT),
                System.nanoTime());
        TieredMemory.Builder builder =
            TieredMemory.builder("retrieval")
                .embedder(embedder)
                .cold(ChromaTierStore.builder(chroma, embedder).collection(collection).build());
        try (TieredMemory store = RetrievalEvaluation.fill(builder, placement, facts)) {
          String where =
              placement == Placement.COLD
                  ? "COLD (on Chroma)"
                  : "MIXED (WARM in process, COLD on Chroma)";
          rows.add(
              new Row(
                  embedder.name(),
                  where,
                  PARAPHRASE,
                  RetrievalEvaluation.score(store, placement, paraphrases)));
          rows.add(
              new Row(
                  embedder.name(),
                  where,
                  OVERLAP,
                  RetrievalEvaluation.score(store, placement, overlaps)));
        }
      }
    }
    System.out.println(RetrievalEvaluation.table(rows));

    for (Placement placement : List.of(Placement.COLD, Placement.MIXED)) {
      Scores hashingParaphrase = RetrievalQualityTest.find(rows, "hashing", placement, PARAPHRASE);
      Scores miniLmParaphrase = RetrievalQualityTest.find(rows, "MiniLM", placement, PARAPHRASE);
      assertThat(miniLmParaphrase.recall5())
          .as("MiniLM paraphrase recall@5, %s on Chroma", placement)
          .isGreaterThanOrEqualTo(RetrievalQualityTest.MINILM_PARAPHRASE_RECALL5_FLOOR)
          .isGreaterThanOrEqualTo(
              hashingParaphrase.recall5() + RetrievalQualityTest.MINILM_OVER_HASHING_RECALL5);
      for (String embedder : List.of("hashing", "MiniLM")) {
        assertThat(RetrievalQualityTest.find(rows, embedder, placement, OVERLAP).recall5())
            .as("%s overlap recall@5, %s on Chroma", embedder, placement)
            .isGreaterThanOrEqualTo(RetrievalQualityTest.OVERLAP_RECALL5_FLOOR);
      }
    }
  }
}
