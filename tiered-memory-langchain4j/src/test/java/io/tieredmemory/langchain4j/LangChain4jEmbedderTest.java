package io.tieredmemory.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import io.tieredmemory.core.SearchHit;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.spi.Embedder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** {@link LangChain4jEmbedder} over small deterministic models of this test's own. */
class LangChain4jEmbedderTest {

  /**
   * A deterministic bag-of-letters model: one dimension per letter a-z, plus one for everything
   * else, L2-normalised. Texts sharing letters are similar; no network, no weights.
   */
  static final class LettersModel implements EmbeddingModel {
    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
      List<Embedding> out = new ArrayList<>();
      for (TextSegment s : segments) {
        out.add(Embedding.from(letters(s.text())));
      }
      return Response.from(out);
    }

    static float[] letters(String text) {
      float[] v = new float[27];
      for (char c : text.toLowerCase(Locale.ROOT).toCharArray()) {
        if (c >= 'a' && c <= 'z') {
          v[c - 'a']++;
        } else if (!Character.isWhitespace(c)) {
          v[26]++;
        }
      }
      double norm = 0;
      for (float f : v) {
        norm += f * f;
      }
      if (norm > 0) {
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (v[i] / Math.sqrt(norm));
        }
      }
      return v;
    }
  }

  /** A model returning what {@code reply} makes of each text, with a declared dimension. */
  static EmbeddingModel model(int dimension, Function<String, float[]> reply) {
    return new EmbeddingModel() {
      @Override
      public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        List<Embedding> out = new ArrayList<>();
        for (TextSegment s : segments) {
          out.add(Embedding.from(reply.apply(s.text())));
        }
        return Response.from(out);
      }

      @Override
      public int dimension() {
        return dimension;
      }
    };
  }

  @Test
  void dimension_comesFromTheModel_andVectorsAreTheModels() {
    LettersModel model = new LettersModel();
    LangChain4jEmbedder embedder = LangChain4jEmbedder.of(model);
    assertThat(embedder.dimension()).isEqualTo(27);
    assertThat(embedder.model()).isSameAs(model);
    assertThat(embedder.embed("abc")).containsExactly(LettersModel.letters("abc"));
    assertThat(embedder.embed("abc")).isEqualTo(embedder.embed("abc"));
    assertThat(embedder.toString()).contains(LettersModel.class.getName(), "dimension=27");
  }

  @Test
  void aStoreSearches_withTheModelsVectors() {
    try (TieredMemory memory =
        TieredMemory.builder("lc4j-embedder")
            .embedder(LangChain4jEmbedder.of(new LettersModel()))
            .disableScheduledSweeps()
            .discoverObservers(false)
            .build()) {
      memory.put("a", "aaaa aaa");
      memory.put("z", "zzzz zzz");
      memory.put("x", "xx yy");
      List<SearchHit> hits = memory.search("zz", 2);
      assertThat(hits).isNotEmpty();
      assertThat(hits.get(0).memory().key()).isEqualTo("z");
      assertThat(hits.get(0).similarity()).isGreaterThan(0.99);
      assertThat(Embedder.cosine(LettersModel.letters("zz"), LettersModel.letters("zzzz zzz")))
          .isGreaterThan(0.99);
    }
  }

  @Test
  void aNullModel_isRefused() {
    assertThatThrownBy(() -> LangChain4jEmbedder.of(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("model must not be null");
  }

  @Test
  void aModelWithoutAPositiveDimension_isRefused_namingIt() {
    assertThatThrownBy(() -> LangChain4jEmbedder.of(model(0, t -> new float[0])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reported dimension 0, must be >= 1")
        .hasMessageContaining(LangChain4jEmbedderTest.class.getName());
  }

  @Test
  void aModelThatCannotTellItsDimension_isRefused_withItsError() {
    EmbeddingModel broken =
        new EmbeddingModel() {
          @Override
          public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            throw new IllegalStateException("model server down");
          }
        };
    assertThatThrownBy(() -> LangChain4jEmbedder.of(broken))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("for its dimension")
        .hasMessageContaining("model server down");
  }

  @Test
  void aVectorOfAnotherLength_isRefused() {
    LangChain4jEmbedder embedder =
        LangChain4jEmbedder.of(model(4, t -> new float[t.length() > 3 ? 5 : 4]));
    assertThat(embedder.embed("abc")).hasSize(4);
    assertThatThrownBy(() -> embedder.embed("abcd"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("returned a vector of 5 dimensions, expected 4");
  }

  @Test
  void aNonFiniteValue_isRefused() {
    LangChain4jEmbedder embedder =
        LangChain4jEmbedder.of(model(2, t -> new float[] {1f, t.isEmpty() ? 0f : Float.NaN}));
    assertThatThrownBy(() -> embedder.embed("x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("returned a vector with NaN at index 1");
  }

  @Test
  void aNullText_isRefused() {
    LangChain4jEmbedder embedder = LangChain4jEmbedder.of(new LettersModel());
    assertThatThrownBy(() -> embedder.embed(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("text must not be null");
  }

  @Test
  void theReturnedVector_isTheEmbeddersOwnCopy() {
    float[] shared = {1f, 2f};
    LangChain4jEmbedder embedder = LangChain4jEmbedder.of(model(2, t -> shared));
    float[] v = embedder.embed("x");
    v[0] = 99f;
    assertThat(embedder.embed("x")).containsExactly(1f, 2f);
  }
}
