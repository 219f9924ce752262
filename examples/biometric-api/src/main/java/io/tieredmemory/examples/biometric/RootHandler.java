package io.tieredmemory.examples.biometric;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;

/**
 * {@code GET /} redirects to the live view; {@code /favicon.ico} is answered with no content (so a
 * browser showing the live view logs no error); any other unmatched path is a JSON 404.
 */
final class RootHandler implements HttpHandler {
  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      if (path.equals("/") && "GET".equals(ex.getRequestMethod())) {
        ex.getResponseHeaders().set("Location", "/memory/");
        ex.sendResponseHeaders(302, -1);
        return;
      }
      if (path.equals("/favicon.ico")) {
        ex.getResponseHeaders().set("Cache-Control", "max-age=86400");
        ex.sendResponseHeaders(204, -1);
        return;
      }
      HttpIo.sendError(
          ex,
          new ApiError(
              404,
              "path",
              HttpIo.shown(path),
              "no such path: "
                  + HttpIo.shown(path)
                  + " (try POST /webhooks/{source}, GET /memories/{key},"
                  + " GET /memories?query=..., /memory/, /metrics, /health)"));
    }
  }
}
