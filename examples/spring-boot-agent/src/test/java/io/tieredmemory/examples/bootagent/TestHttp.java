package io.tieredmemory.examples.bootagent;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** The example's HTTP API as its tests call it: one request, text in and out, 10 s at most. */
final class TestHttp {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private TestHttp() {}

  /** {@code method} on {@code base}'s {@code path}, with {@code body} as text/plain if given. */
  static HttpResponse<String> send(URI base, String method, String path, @Nullable String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "text/plain");
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
