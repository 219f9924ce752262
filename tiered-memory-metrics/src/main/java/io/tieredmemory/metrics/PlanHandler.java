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
 * {@code /memory/plan?limit=N&store=S}: what each store's next sweep would move now, and why
 * ({@link TieredMemory#plan(int)}), as JSON: {@code {"stores":[...]}}, one {@link PlanJson} object
 * per store (or only store {@code S}). {@code limit} (default 20, 0 to 1000) bounds the moves
 * listed per store; the totals count them all. Keys are hashed as the decision feed hashes them
 * (with its salt, so a key has the same label in both), shown as they are only when the feed
 * reveals keys; without a feed they are hashed with a salt of this handler's own. A bad {@code
 * limit} or an unknown {@code store} gets 400 naming the parameter.
 */
final class PlanHandler implements HttpHandler {
  private final List<TieredMemory> stores;
  private final @Nullable DecisionFeed feed;

  PlanHandler(List<TieredMemory> stores, @Nullable DecisionFeed feed) {
    this.stores = stores;
    this.feed = feed;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    String limitParam = null;
    String storeParam = null;
    String query = ex.getRequestURI().getRawQuery();
    if (query != null) {
      for (String part : query.split("&")) {
        int eq = part.indexOf('=');
        String name = eq < 0 ? part : part.substring(0, eq);
        String value =
            eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
        if (name.equals("limit")) {
          limitParam = value;
        } else if (name.equals("store")) {
          storeParam = value;
        }
      }
    }
    int limit;
    try {
      limit = PlanJson.limit(limitParam);
    } catch (IllegalArgumentException e) {
      Http.send(ex, 400, Http.TEXT, e.getMessage() + "\n");
      return;
    }
    List<TieredMemory> chosen = stores;
    if (storeParam != null) {
      String name = storeParam;
      chosen = stores.stream().filter(s -> s.name().equals(name)).toList();
      if (chosen.isEmpty()) {
        Http.send(
            ex,
            400,
            Http.TEXT,
            "store must name a store served here, was '" + PlanJson.printable(name) + "'\n");
        return;
      }
    }
    Http.send(ex, 200, Http.JSON, PlanJson.document(chosen, limit, n -> feed));
  }
}
