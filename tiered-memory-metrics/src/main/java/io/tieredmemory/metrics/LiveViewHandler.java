package io.tieredmemory.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;

/** {@code /memory/}: the live view, a static page reading {@code stats} and {@code events}. */
final class LiveViewHandler implements HttpHandler {
  private final byte[] page;

  LiveViewHandler() {
    this.page = LiveView.page();
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    if (path.equals("/memory")) {
      ex.getResponseHeaders().set("Location", "/memory/");
      Http.send(ex, 308, Http.TEXT, "see /memory/\n");
    } else if (path.equals("/memory/") || path.equals("/memory/index.html")) {
      Http.send(ex, 200, "text/html; charset=utf-8", page);
    } else {
      Http.send(ex, 404, Http.TEXT, "not found\n");
    }
  }
}
