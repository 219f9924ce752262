package io.tieredmemory.core.spi;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VectorSearchTest {
  private final Embedder embedder = Embedder.hashing(8);

  @Test
  void checkQuery_accepts_a_vector_of_the_embedders_dimension_and_k_of_one() {
    assertThatCode(() -> VectorSearch.checkQuery(new float[8], 1, embedder))
        .doesNotThrowAnyException();
  }

  @Test
  void checkQuery_refuses_k_below_one() {
    assertThatThrownBy(() -> VectorSearch.checkQuery(new float[8], 0, embedder))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("k must be >= 1, was 0");
  }

  @Test
  void checkQuery_refuses_a_vector_of_another_dimension() {
    assertThatThrownBy(() -> VectorSearch.checkQuery(new float[3], 5, embedder))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("queryVector must have 8 dimensions (the tier's embedder), had 3");
  }

  @Test
  void checkQuery_refuses_a_null_vector() {
    assertThatThrownBy(() -> VectorSearch.checkQuery(null, 5, embedder))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("queryVector must have 8 dimensions (the tier's embedder), had null");
  }
}
