package io.tieredmemory.chroma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tieredmemory.core.TieredMemoryException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How {@link ChromaHttp} turns answers into JSON or into a {@link ChromaException}. */
class ChromaHttpTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void answer_2xx_isItsJson_andBlankIsNull() {
    assertThat(ChromaHttp.answer("GET", "/p", 200, utf8("{\"a\":1}")).path("a").asInt())
        .isEqualTo(1);
    assertThat(ChromaHttp.answer("GET", "/p", 200, utf8(" ")).isNull()).isTrue();
  }

  @Test
  void answer_errorWithChromaJson_carriesTypeAndMessage_asATieredMemoryException() {
    assertThatThrownBy(
            () ->
                ChromaHttp.answer(
                    "POST",
                    "/api/v2/x/get",
                    404,
                    utf8("{\"error\":\"NotFoundError\",\"message\":\"no such collection\"}")))
        .isInstanceOf(TieredMemoryException.class)
        .isInstanceOfSatisfying(
            ChromaException.class,
            e -> {
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.method()).isEqualTo("POST");
              assertThat(e.path()).isEqualTo("/api/v2/x/get");
              assertThat(e.serverError()).isEqualTo("NotFoundError");
              assertThat(e.serverMessage()).isEqualTo("no such collection");
            })
        .hasMessage(
            "Chroma POST /api/v2/x/get failed with HTTP 404 NotFoundError: no such collection");
  }

  @Test
  void answer_fastApiStyleError_usesItsDetail() {
    assertThatThrownBy(() -> ChromaHttp.answer("GET", "/p", 422, utf8("{\"detail\":\"bad\"}")))
        .hasMessage("Chroma GET /p failed with HTTP 422: bad");
  }

  @Test
  void answer_errorPage_showsOnlyItsStart() {
    String page = "<html>" + "x".repeat(1_000) + "</html>";
    assertThatThrownBy(() -> ChromaHttp.answer("GET", "/p", 502, utf8(page)))
        .isInstanceOfSatisfying(
            ChromaException.class,
            e -> {
              assertThat(e.status()).isEqualTo(502);
              assertThat(e.serverMessage()).startsWith("<html>xxx").endsWith("...").hasSize(303);
            });
  }

  @Test
  void answer_unreadable2xx_neverQuotesTheBody() {
    String body = "{\"documents\":[\"secret content\"] trailing";
    assertThatThrownBy(() -> ChromaHttp.answer("POST", "/p", 200, utf8(body)))
        .isInstanceOfSatisfying(
            ChromaException.class,
            e -> {
              assertThat(e.status()).isEqualTo(200);
              assertThat(e.getCause()).isNull();
            })
        .hasMessageContaining("unreadable JSON answer of " + body.length() + " chars")
        .hasMessageNotContaining("secret");
  }
}
