package io.tieredmemory.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmbedderTest {

  private final Embedder embedder = Embedder.hashing();

  private static double norm(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    return Math.sqrt(sum);
  }

  @Test
  void hashing_deterministicAcrossInstances() {
    String text = "The user prefers answers in French, 42 times!";

    float[] a = embedder.embed(text);
    float[] b = embedder.embed(text);
    float[] c = Embedder.hashing().embed(text);

    assertThat(a).isEqualTo(b).isEqualTo(c).isNotSameAs(b);
  }

  @Test
  void hashing_defaultDimension() {
    assertThat(embedder.dimension()).isEqualTo(256);
    assertThat(embedder.embed("hello")).hasSize(256);
  }

  @Test
  void hashing_customDimension() {
    Embedder small = Embedder.hashing(8);

    assertThat(small.dimension()).isEqualTo(8);
    assertThat(small.embed("hello world")).hasSize(8);
    assertThat(Embedder.hashing(64).embed("hello world")).hasSize(64);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "hello",
        "the user prefers French answers",
        "Caf\u00e9 na\u00efve \u65e5\u672c\u8a9e",
        "x'; DROP TABLE t;--",
        "word word word word word word"
      })
  void hashing_normalised(String text) {
    float[] v = embedder.embed(text);

    assertThat(norm(v)).isCloseTo(1.0, within(1e-5));
  }

  @Test
  void hashing_longTextNormalised() {
    float[] v = embedder.embed("lorem ipsum dolor sit amet ".repeat(5_000));

    assertThat(norm(v)).isCloseTo(1.0, within(1e-5));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "!!! ... ???", "\n\t", "\uD83D\uDE00"})
  void hashing_noWords_zeroVector(String text) {
    float[] v = embedder.embed(text);

    assertThat(v).hasSize(256).containsOnly(0f);
  }

  @Test
  void hashing_caseInsensitive() {
    assertThat(embedder.embed("Prefers FRENCH")).isEqualTo(embedder.embed("prefers french"));
  }

  @Test
  void hashing_similarTextsCloser() {
    float[] query = embedder.embed("the user prefers French answers");
    float[] similar = embedder.embed("user prefers answers in French");
    float[] unrelated = embedder.embed("quarterly revenue of the bakery");

    double near = Embedder.cosine(query, similar);
    double far = Embedder.cosine(query, unrelated);

    assertThat(near).isGreaterThan(far);
    assertThat(near).isGreaterThan(0.5);
    assertThat(far).isLessThan(0.5);
  }

  @Test
  void hashing_differentTextsDiffer() {
    assertThat(embedder.embed("apple")).isNotEqualTo(embedder.embed("orange"));
  }

  @Test
  void hashing_dimensionTooSmall() {
    assertThatThrownBy(() -> Embedder.hashing(4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dimension")
        .hasMessageContaining("4");
    assertThatThrownBy(() -> Embedder.hashing(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dimension");
  }

  @Test
  void hashing_nullText() {
    assertThatThrownBy(() -> embedder.embed(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("text");
  }

  @Test
  void cosine_lengthMismatch() {
    assertThatThrownBy(() -> Embedder.cosine(new float[3], new float[4]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3")
        .hasMessageContaining("4");
  }

  @Test
  void cosine_zeroVector() {
    float[] zero = new float[4];
    float[] one = {1, 0, 0, 0};

    assertThat(Embedder.cosine(zero, one)).isEqualTo(0.0);
    assertThat(Embedder.cosine(one, zero)).isEqualTo(0.0);
    assertThat(Embedder.cosine(zero, zero)).isEqualTo(0.0);
  }

  @Test
  void cosine_knownValues() {
    float[] x = {1, 0};
    float[] y = {0, 2};
    float[] diag = {3, 3};
    float[] negX = {-5, 0};

    assertThat(Embedder.cosine(x, x)).isCloseTo(1.0, within(1e-12));
    assertThat(Embedder.cosine(x, y)).isCloseTo(0.0, within(1e-12));
    assertThat(Embedder.cosine(x, diag)).isCloseTo(Math.sqrt(0.5), within(1e-9));
    assertThat(Embedder.cosine(x, negX)).isCloseTo(-1.0, within(1e-12));
  }

  @Test
  void cosine_embeddingOfItself() {
    float[] v = embedder.embed("tiered memory store");

    assertThat(Embedder.cosine(v, v)).isCloseTo(1.0, within(1e-5));
  }
}
