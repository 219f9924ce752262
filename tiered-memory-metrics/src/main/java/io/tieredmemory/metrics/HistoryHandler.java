package io.tieredmemory.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.tieredmemory.core.TieredMemory;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code /memory/history?key=K[&store=S]}: where a memory lives now and how it got there ({@link
 * TieredMemory#history(String)}), as {@link HistoryJson}. Behind the endpoint's authenticator like
 * every path but {@code /health}; the key in the answer is labelled as the decision feed labels it
 * (hashed unless the feed reveals keys), as {@code /memory/plan} and {@code /memory/events} do. 404
 * for a key no store knows; 400 naming the parameter for a missing, blank or too long key or an
 * unknown store.
 */
final class HistoryHandler implements HttpHandler {
  private final List<TieredMemory> stores;
  private final @Nullable DecisionFeed feed;

  HistoryHandler(List<TieredMemory> stores, @Nullable DecisionFeed feed) {
    this.stores = stores;
    this.feed = feed;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    String key = null;
    String store = null;
    String query = ex.getRequestURI().getRawQuery();
    if (query != null) {
      for (String part : query.split("&")) {
        int eq = part.indexOf('=');
        String name = eq < 0 ? part : part.substring(0, eq);
        String value;
        try {
          value = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          Http.send(ex, 400, Http.TEXT, name + " is not URL-encoded: " + e.getMessage() + "\n");
          return;
        }
        if (name.equals("key")) {
          key = value;
        } else if (name.equals("store")) {
          store = value;
        }
      }
    }
    HistoryJson.Answer a = HistoryJson.answer(stores, key, store, n -> feed);
    if (a.status() == 200) {
      Http.send(ex, 200, Http.JSON, a.body());
    } else {
      Http.send(ex, a.status(), Http.TEXT, a.body() + "\n");
    }
  }
}
