package io.tieredmemory.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.tieredmemory.core.SweepPlan;
import io.tieredmemory.core.TieredMemory;
import java.io.IOException;
import java.util.List;
import java.util.function.UnaryOperator;
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
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 1000;

  private final List<TieredMemory> stores;
  private final UnaryOperator<String> keyLabel;

  PlanHandler(List<TieredMemory> stores, @Nullable DecisionFeed feed) {
    this.stores = stores;
    this.keyLabel = feed != null ? feed::keyLabel : PlanJson.saltedHash();
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
            eq < 0
                ? ""
                : java.net.URLDecoder.decode(
                    part.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
        if (name.equals("limit")) {
          limitParam = value;
        } else if (name.equals("store")) {
          storeParam = value;
        }
      }
    }
    int limit = DEFAULT_LIMIT;
    if (limitParam != null) {
      try {
        limit = Integer.parseInt(limitParam.trim());
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 0 || limit > MAX_LIMIT) {
        Http.send(
            ex,
            400,
            Http.TEXT,
            "limit must be an integer from 0 to "
                + MAX_LIMIT
                + ", was '"
                + abbreviate(limitParam)
                + "'\n");
        return;
      }
    }
    StringBuilder b = new StringBuilder("{\"stores\":[");
    boolean first = true;
    boolean found = storeParam == null;
    for (TieredMemory store : stores) {
      if (storeParam != null && !storeParam.equals(store.name())) {
        continue;
      }
      found = true;
      SweepPlan plan;
      try {
        plan = store.plan(limit);
      } catch (IllegalStateException e) {
        continue; // closed meanwhile
      }
      if (!first) {
        b.append(',');
      }
      first = false;
      b.append(PlanJson.write(store, plan, keyLabel));
    }
    if (!found) {
      Http.send(
          ex,
          400,
          Http.TEXT,
          "store must name a store served here, was '" + abbreviate(storeParam) + "'\n");
      return;
    }
    Http.send(ex, 200, Http.JSON, b.append("]}").toString());
  }

  private static String abbreviate(@Nullable String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length() && out.length() < 40; i++) {
      char c = s.charAt(i);
      out.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return s.length() > 40 ? out + "..." : out.toString();
  }
}
