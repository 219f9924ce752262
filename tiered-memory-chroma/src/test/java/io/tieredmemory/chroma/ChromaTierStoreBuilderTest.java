package io.tieredmemory.chroma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tieredmemory.core.spi.Embedder;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChromaTierStoreBuilderTest {
  private static final URI URL = URI.create("http://127.0.0.1:8000");

  private static ChromaTierStore.Builder builder() {
    return ChromaTierStore.builder(URL, Embedder.hashing());
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "tiered_memory_agent", "a.b-c_d", "A1-2.3", "x0y"})
  void collection_valid_isAccepted(String name) {
    assertThat(ChromaTierStore.Builder.checkCollectionName(name)).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "ab", "_abc", "abc-", ".abc", "ab c", "abç", "a/b/c", "a:bc"})
  void collection_invalid_isRejectedNamingFieldAndValue(String name) {
    assertThatThrownBy(() -> builder().collection(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("collection must be 3-512 characters")
        .hasMessageContaining("'" + name + "'");
  }

  @Test
  void collection_lengthLimits() {
    assertThat(ChromaTierStore.Builder.checkCollectionName("a".repeat(512))).hasSize(512);
    assertThatThrownBy(() -> builder().collection("a".repeat(513)))
        .hasMessageContaining("collection");
    assertThatThrownBy(() -> builder().collection(null)).hasMessage("collection must not be null");
  }

  @Test
  void baseUrl_withUserInfo_isRejectedWithoutShowingIt() {
    assertThatThrownBy(
            () ->
                ChromaTierStore.builder(URI.create("http://me:hunter2@h:8000"), Embedder.hashing()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("baseUrl")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void baseUrl_withQuery_isRejectedWithoutShowingIt() {
    assertThatThrownBy(
            () ->
                ChromaTierStore.builder(
                    URI.create("http://h:8000/?token=hunter2"), Embedder.hashing()))
        .hasMessageContaining("baseUrl")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void baseUrl_otherScheme_isRejectedNamingIt() {
    assertThatThrownBy(() -> ChromaTierStore.builder(URI.create("ftp://h/"), Embedder.hashing()))
        .hasMessage("baseUrl must be an http or https URL, was ftp://h/");
    assertThatThrownBy(() -> ChromaTierStore.builder(null, Embedder.hashing()))
        .hasMessage("baseUrl must not be null");
    assertThatThrownBy(() -> ChromaTierStore.builder(URL, null))
        .hasMessage("embedder must not be null");
  }

  @Test
  void durations_nonPositive_areRejectedNamingField() {
    assertThatThrownBy(() -> builder().timeout(Duration.ZERO))
        .hasMessage("timeout must be positive, was PT0S");
    assertThatThrownBy(() -> builder().connectTimeout(Duration.ofSeconds(-1)))
        .hasMessage("connectTimeout must be positive, was PT-1S");
    assertThatThrownBy(() -> builder().accessFlushInterval(null))
        .hasMessage("accessFlushInterval must not be null");
    assertThatThrownBy(() -> builder().bytesCacheTtl(Duration.ZERO))
        .hasMessageStartingWith("bytesCacheTtl");
  }

  @Test
  void tenantDatabaseBatch_invalid_areRejectedNamingField() {
    assertThatThrownBy(() -> builder().tenant(" ")).hasMessage("tenant must not be blank, was ' '");
    assertThatThrownBy(() -> builder().database(null)).hasMessage("database must not be null");
    assertThatThrownBy(() -> builder().maxBatchSize(0))
        .hasMessage("maxBatchSize must be >= 1, was 0");
  }

  @Test
  void toString_showsSettingsAndHeaderNames_butNoHeaderValue() {
    String shown =
        builder()
            .collection("my_memories")
            .maxBatchSize(100)
            .header("x-chroma-token", "s3cret")
            .toString();
    assertThat(shown)
        .contains("url=http://127.0.0.1:8000")
        .contains("collection=my_memories")
        .contains("maxBatchSize=100")
        .contains("x-chroma-token")
        .doesNotContain("s3cret");
  }

  @Test
  void header_restrictedName_isRejectedEarly_andValueNeverShown() {
    assertThatThrownBy(() -> builder().header("Host", "s3cret"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> builder().header("x-chroma-token", null))
        .hasMessage("header value must not be null");
  }
}
