package io.tieredmemory.chroma;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP transport under {@link ChromaClient}: one JDK {@link HttpClient} (HTTP/1.1, no
 * redirects), the configured headers and per-request timeout, and the translation of every failure
 * into a {@link ChromaException} naming the method, the path, the status and the server's own
 * error. A message never holds a header value (credentials) nor a body, sent or received
 * (contents); only a server's error message, or the start of a non-JSON error page, is shown.
 */
final class ChromaHttp {
  private final HttpClient http;
  private final String base;
  private final Duration requestTimeout;
  private final Map<String, String> headers;
  private final AtomicLong requests = new AtomicLong();

  ChromaHttp(
      URI baseUrl, Duration connectTimeout, Duration requestTimeout, Map<String, String> headers) {
    String b = baseUrl.toString();
    this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    this.requestTimeout = requestTimeout;
    this.headers = Map.copyOf(headers);
    // HTTP/1.1: the default would try an h2c upgrade on every plain-http connection.
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** HTTP requests sent so far (for tests and diagnostics). */
  long requestCount() {
    return requests.get();
  }

  /**
   * Sends one request and returns the answer's JSON ({@code null} node for an empty answer).
   *
   * @param body the JSON body, or {@code null} for none
   * @throws ChromaException if the call failed or the answer is not JSON
   */
  JsonNode send(String method, String path, @Nullable JsonNode body) {
    HttpRequest request = request(method, path, body);
    requests.incrementAndGet();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw transportFailure(method, path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw noResponse(method, path, "interrupted", e);
    }
    return answer(method, path, response.statusCode(), response.body());
  }

  /**
   * POSTs every body to {@code path} at once, on separate connections, and waits for all answers.
   *
   * @throws ChromaException the first failure, once every request has completed (the others
   *     suppressed in it); the requests that succeeded stay applied
   */
  void postAll(String path, List<? extends JsonNode> bodies) {
    List<CompletableFuture<HttpResponse<byte[]>>> sent = new ArrayList<>(bodies.size());
    for (JsonNode body : bodies) {
      HttpRequest request = request("POST", path, body);
      requests.incrementAndGet();
      sent.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()));
    }
    ChromaException first = null;
    for (CompletableFuture<HttpResponse<byte[]>> pending : sent) {
      try {
        HttpResponse<byte[]> response = await("POST", path, pending);
        answer("POST", path, response.statusCode(), response.body());
      } catch (ChromaException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private HttpResponse<byte[]> await(
      String method, String path, CompletableFuture<HttpResponse<byte[]>> pending) {
    try {
      return pending.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pending.cancel(true);
      throw noResponse(method, path, "interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw transportFailure(method, path, io);
      }
      throw noResponse(method, path, String.valueOf(cause), e);
    }
  }

  private HttpRequest request(String method, String path, @Nullable JsonNode body) {
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(requestTimeout)
            .header("Accept", "application/json");
    headers.forEach(rb::header);
    if (body == null) {
      rb.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      rb.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(ChromaJson.bytes(body)));
    }
    return rb.build();
  }

  private ChromaException transportFailure(String method, String path, IOException e) {
    if (e instanceof HttpConnectTimeoutException) {
      return noResponse(method, path, "could not connect within the connect timeout", e);
    }
    if (e instanceof HttpTimeoutException) {
      return noResponse(method, path, "no answer within " + requestTimeout, e);
    }
    return noResponse(method, path, e.getClass().getSimpleName() + ": " + e.getMessage(), e);
  }

  /**
   * The JSON of a 2xx answer, or the {@link ChromaException} of any other. An unreadable 2xx answer
   * (a record answer holds contents) is described by its length and where parsing stopped, never by
   * its text.
   */
  static JsonNode answer(String method, String path, int status, byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    if (status / 100 != 2) {
      throw httpError(method, path, status, text);
    }
    if (text.isBlank()) {
      return NullNode.getInstance();
    }
    try {
      return ChromaJson.JSON.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      // No cause: Jackson's message may quote the offending token, i.e. part of a content.
      throw new ChromaException(
          status,
          method,
          path,
          null,
          null,
          "unreadable JSON answer of " + text.length() + " chars" + where,
          null);
    }
  }

  private static ChromaException httpError(String method, String path, int status, String text) {
    try {
      JsonNode error = ChromaJson.JSON.readTree(text);
      if (error != null && error.isObject()) {
        String type = error.path("error").asText(null);
        String message = error.path("message").asText(null);
        if (message == null) {
          message = error.path("detail").asText(null); // FastAPI-style errors
        }
        if (type != null || message != null) {
          return new ChromaException(status, method, path, type, message, null, null);
        }
      }
    } catch (JsonProcessingException e) {
      // not JSON: fall through and show the start of the text itself (an error page)
    }
    return new ChromaException(
        status,
        method,
        path,
        null,
        text.isBlank() ? null : ChromaJson.abbreviate(text),
        null,
        null);
  }

  static ChromaException noResponse(String method, String path, String detail, Exception cause) {
    return new ChromaException(
        ChromaException.NO_RESPONSE, method, path, null, null, detail, cause);
  }
}
