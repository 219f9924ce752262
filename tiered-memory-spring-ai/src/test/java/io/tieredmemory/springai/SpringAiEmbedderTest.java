package io.tieredmemory.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;

class SpringAiEmbedderTest {

  /** A model of vectors of {@code length}: the text's length, then ones; counts its calls. */
  static final class FakeModel implements EmbeddingModel {
    final AtomicInteger calls = new AtomicInteger();
    volatile int length;
    volatile RuntimeException failure;

    FakeModel(int length) {
      this.length = length;
    }

    @Override
    public EmbeddingResponse call(EmbeddingRequest request) {
      calls.incrementAndGet();
      if (failure != null) {
        throw failure;
      }
      List<Embedding> out = new ArrayList<>();
      for (String text : request.getInstructions()) {
        float[] v = new float[length];
        java.util.Arrays.fill(v, 1f);
        v[0] = text.length();
        out.add(new Embedding(v, out.size()));
      }
      return new EmbeddingResponse(out);
    }

    @Override
    public float[] embed(Document document) {
      return embed(document.getText() == null ? "" : document.getText());
    }
  }

  @Test
  void embedsThroughTheModel() {
    FakeModel model = new FakeModel(4);
    SpringAiEmbedder embedder = new SpringAiEmbedder(model);
    assertThat(embedder.dimension()).isEqualTo(4);
    assertThat(embedder.dimension()).isEqualTo(4);
    assertThat(model.calls).hasValue(1); // asked once
    assertThat(embedder.embed("abc")).containsExactly(3f, 1f, 1f, 1f);
    assertThat(embedder.model()).isSameAs(model);
  }

  @Test
  void aGivenDimensionIsNotAsked() {
    FakeModel model = new FakeModel(3);
    SpringAiEmbedder embedder = new SpringAiEmbedder(model, 3);
    assertThat(embedder.dimension()).isEqualTo(3);
    assertThat(model.calls).hasValue(0);
    assertThatThrownBy(() -> new SpringAiEmbedder(model, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dimension must be at least 1, was 0");
  }

  @Test
  void aVectorOfAnotherLengthIsRefused() {
    FakeModel model = new FakeModel(3);
    SpringAiEmbedder embedder = new SpringAiEmbedder(model, 5);
    assertThatThrownBy(() -> embedder.embed("x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("returned 3 floats, expected 5");
  }

  @Test
  void theModelsFailuresAreNamed() {
    FakeModel model = new FakeModel(3);
    model.failure = new IllegalStateException("quota exceeded");
    SpringAiEmbedder embedder = new SpringAiEmbedder(model);
    assertThatThrownBy(embedder::dimension)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("could not read the dimension of the embedding model")
        .hasMessageContaining(FakeModel.class.getName())
        .hasMessageContaining("quota exceeded")
        .hasMessageContaining("tiered-memory.spring-ai.embedding-dimension");
    SpringAiEmbedder given = new SpringAiEmbedder(model, 3);
    assertThatThrownBy(() -> given.embed("hello"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("failed to embed a text of 5 chars")
        .hasRootCauseMessage("quota exceeded");
  }
}
