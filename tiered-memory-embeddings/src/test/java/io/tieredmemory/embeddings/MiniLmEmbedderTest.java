package io.tieredmemory.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tieredmemory.core.spi.Embedder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class MiniLmEmbedderTest {

  private final MiniLmEmbedder embedder = MiniLmEmbedder.shared();

  @Test
  void shared_isOneInstance() {
    assertThat(MiniLmEmbedder.shared()).isSameAs(embedder);
    assertThat(embedder.dimension()).isEqualTo(384).isEqualTo(MiniLmEmbedder.DIMENSION);
    assertThat(embedder).hasToString("MiniLmEmbedder[all-MiniLM-L6-v2 quantized, 384 dimensions]");
  }

  @Test
  void embed_normalised_deterministic() {
    float[] v = embedder.embed("User u-17 prefers answers in French.");

    assertThat(v).hasSize(384);
    double norm = 0;
    for (float x : v) {
      norm += (double) x * x;
    }
    assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-4));
    assertThat(embedder.embed("User u-17 prefers answers in French.")).isEqualTo(v);
  }

  @Test
  void embed_blank_isAllZeros_nullRefused() {
    assertThat(embedder.embed("")).hasSize(384).containsOnly(0f);
    assertThat(embedder.embed(" \n\t")).hasSize(384).containsOnly(0f);
    assertThatThrownBy(() -> embedder.embed(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void embed_longText_isOneVector() {
    String longText = "The user keeps a diary of every hike in the Alps. ".repeat(200);

    float[] v = embedder.embed(longText);

    assertThat(v).hasSize(384);
    assertThat(Embedder.cosine(v, embedder.embed("mountain walking journal"))).isPositive();
  }

  @Test
  void meaning_notWords() {
    float[] memory = embedder.embed("User u-17 prefers answers in French.");
    float[] paraphrase = embedder.embed("Which language does the user like?");
    float[] unrelated = embedder.embed("The car is due for a service at 60,000 kilometres.");

    assertThat(Embedder.cosine(memory, paraphrase))
        .isGreaterThan(Embedder.cosine(memory, unrelated) + 0.1);
  }

  @Test
  void concurrentCalls_giveTheSameVectorsAsSequentialOnes() throws Exception {
    List<String> texts =
        RetrievalSet.memories().stream().map(RetrievalSet.Fact::text).limit(40).toList();
    List<float[]> sequential = new ArrayList<>();
    for (String t : texts) {
      sequential.add(embedder.embed(t));
    }

    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<float[]>> futures = new ArrayList<>();
      for (int round = 0; round < 4; round++) {
        for (String t : texts) {
          futures.add(pool.submit(() -> embedder.embed(t)));
        }
      }
      for (int i = 0; i < futures.size(); i++) {
        assertThat(futures.get(i).get()).isEqualTo(sequential.get(i % texts.size()));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The cost per embedding docs/search.md and the javadoc quote (printed, not asserted). */
  @Test
  void costPerEmbedding_printed() {
    List<String> texts = RetrievalSet.memories().stream().map(RetrievalSet.Fact::text).toList();
    for (String t : texts) {
      embedder.embed(t); // warm-up
    }
    int rounds = 5;
    long start = System.nanoTime();
    for (int r = 0; r < rounds; r++) {
      for (String t : texts) {
        embedder.embed(t);
      }
    }
    double ms = (System.nanoTime() - start) / 1e6 / (rounds * texts.size());
    System.out.printf(
        Locale.ROOT,
        "MiniLM: %.3f ms per embedding (one thread, %d short sentences x %d)%n",
        ms,
        texts.size(),
        rounds);
    assertThat(ms).isPositive();
  }
}
