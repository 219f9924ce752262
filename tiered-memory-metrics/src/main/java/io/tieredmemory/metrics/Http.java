package io.tieredmemory.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** What every handler of the endpoint shares: sending a body, and GET/HEAD only. */
final class Http {
  static final String TEXT = "text/plain; charset=utf-8";
  static final String JSON = "application/json; charset=utf-8";

  private Http() {}

  /** Sends {@code body} with {@code status}; a HEAD request gets the headers only. */
  static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    send(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /**
   * {@code handler}, answering anything but GET and HEAD with 405 and closing every exchange when
   * done. A wrapper, not a filter: the JDK runs a context's filters before its authenticator, and a
   * request without credentials must learn nothing, not even which methods a path takes.
   */
  static HttpHandler getOnly(HttpHandler handler) {
    return ex -> {
      try (ex) {
        String method = ex.getRequestMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
          ex.getResponseHeaders().set("Allow", "GET, HEAD");
          send(ex, 405, TEXT, "only GET is supported\n");
          return;
        }
        handler.handle(ex);
      }
    };
  }
}
