package io.tieredmemory.chroma;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChromaExceptionTest {
  @Test
  void message_withServerError_namesMethodPathStatusAndMessage() {
    ChromaException e =
        new ChromaException(
            400, "POST", "/api/v2/x/query", "InvalidArgumentError", "bad", null, null);
    assertThat(e.getMessage())
        .isEqualTo("Chroma POST /api/v2/x/query failed with HTTP 400 InvalidArgumentError: bad");
  }

  @Test
  void message_withoutResponse_namesTheCause() {
    ChromaException e =
        new ChromaException(
            ChromaException.NO_RESPONSE,
            "GET",
            "/api/v2/heartbeat",
            null,
            null,
            "no answer within PT1S",
            null);
    assertThat(e.getMessage())
        .isEqualTo("Chroma GET /api/v2/heartbeat failed without a response: no answer within PT1S");
    assertThat(e.status()).isEqualTo(-1);
  }
}
