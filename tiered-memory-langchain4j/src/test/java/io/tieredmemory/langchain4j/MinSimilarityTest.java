package io.tieredmemory.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.store.embedding.RelevanceScore;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The similarity threshold a search gives the store accepts exactly the similarities whose
 * LangChain4j score passes, so the store's results (and its Recalled events) are the matches.
 */
class MinSimilarityTest {
  @Test
  @org.junit.jupiter.api.Timeout(60)
  void theThreshold_isTheLeastSimilarityWhoseScorePasses() {
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      double minScore =
          i < 5 ? new double[] {0, 0.5, 1, 1e-300, Math.nextUp(0.5)}[i] : random.nextDouble();
      double t = TieredEmbeddingStore.minSimilarityFor(minScore);
      assertThat(t).isBetween(-1.0, 1.0);
      assertThat(RelevanceScore.fromCosineSimilarity(t)).isGreaterThanOrEqualTo(minScore);
      if (t > -1.0) {
        assertThat(RelevanceScore.fromCosineSimilarity(Math.nextDown(t))).isLessThan(minScore);
      }
    }
  }
}
