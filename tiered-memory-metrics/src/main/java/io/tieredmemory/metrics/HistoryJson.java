package io.tieredmemory.metrics;

import io.tieredmemory.core.HistoryEntry;
import io.tieredmemory.core.MemoryHistory;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.TieredMemoryException;
import io.tieredmemory.core.policy.MoveReason;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A memory's history ({@link TieredMemory#history(String)}) as JSON, for {@code /memory/history}
 * and the live view: the key labelled as the decision feed labels it (hashed unless the feed
 * reveals keys), never content.
 *
 * <pre>{@code
 * {"store":"agent","key":"k:1f2e3d4c5b6a","now":{"tier":"hot","version":1714564800000000},
 *  "entries":[{"id":41,"at":"2024-05-01T12:00:00Z","instance":"web-1:4242","kind":"put",
 *              "version":1714564800000000,"from":null,"to":"warm","reason":null,
 *              "detail":"created","inputs":{}},
 *             {"id":57,"at":"2024-05-01T12:03:10Z","instance":"web-2:977","kind":"promoted",
 *              "version":1714564800000000,"from":"warm","to":"hot","reason":"read_frequency",
 *              "detail":"3 reads in 10m","inputs":{"reads":3,"window_ms":600000,
 *              "reads_span_ms":190000}}]}
 * }</pre>
 *
 * {@code now} is null when no tier holds the memory (deleted). Entries are oldest first; {@code id}
 * is the order WARM stored them in, across instances.
 */
final class HistoryJson {
  /** The longest {@code key} parameter read, in characters, before the store's own limits. */
  static final int MAX_KEY_PARAM = 4096;

  private HistoryJson() {}

  /** What to answer: a status and a body (JSON for 200, a line of text otherwise). */
  record Answer(int status, String body) {}

  /**
   * The answer to {@code /memory/history?key=K[&store=S]}: 200 with the history of the first store
   * (of {@code stores}, or store {@code S}) that knows the key; 404 if none does (never held, no
   * history); 400 for a missing, blank or too long key, or an unknown store; 501 when a store keeps
   * no history; 503 when WARM failed.
   */
  static Answer answer(
      List<TieredMemory> stores,
      @Nullable String key,
      @Nullable String store,
      Function<String, @Nullable DecisionFeed> feedOf) {
    if (key == null) {
      return new Answer(400, "key must be given: /memory/history?key=K");
    }
    if (key.isBlank()) {
      return new Answer(400, "key must not be blank, was '" + PlanJson.printable(key) + "'");
    }
    if (key.length() > MAX_KEY_PARAM) {
      return new Answer(
          400, "key must be at most " + MAX_KEY_PARAM + " chars, was " + key.length());
    }
    List<TieredMemory> chosen = stores;
    if (store != null) {
      chosen = stores.stream().filter(s -> s.name().equals(store)).toList();
      if (chosen.isEmpty()) {
        return new Answer(
            400, "store must name a store served here, was '" + PlanJson.printable(store) + "'");
      }
    }
    for (TieredMemory s : chosen) {
      MemoryHistory h;
      try {
        h = s.history(key);
      } catch (IllegalArgumentException e) {
        return new Answer(400, String.valueOf(e.getMessage()));
      } catch (UnsupportedOperationException e) {
        return new Answer(501, String.valueOf(e.getMessage()));
      } catch (TieredMemoryException e) {
        return new Answer(503, "store '" + s.name() + "': " + e.getMessage());
      } catch (IllegalStateException e) {
        continue; // closed meanwhile
      }
      if (!h.unknown()) {
        DecisionFeed feed = feedOf.apply(s.name());
        return new Answer(
            200, write(s.name(), h, feed != null ? feed::keyLabel : PlanJson.OWN_SALT));
      }
    }
    return new Answer(404, "no memory and no history of that key");
  }

  static String write(String store, MemoryHistory h, UnaryOperator<String> keyLabel) {
    StringBuilder b = new StringBuilder(128 + h.entries().size() * 200);
    b.append('{');
    Json.field(b, "store", store).append(',');
    Json.field(b, "key", keyLabel.apply(h.key())).append(',');
    b.append("\"now\":");
    Tier tier = h.tier();
    if (tier == null) {
      b.append("null");
    } else {
      b.append('{');
      Json.field(b, "tier", tier.label()).append(',');
      Json.field(b, "version", h.version());
      b.append('}');
    }
    b.append(",\"entries\":[");
    boolean first = true;
    for (HistoryEntry e : h.entries()) {
      if (!first) {
        b.append(',');
      }
      first = false;
      b.append('{');
      Json.field(b, "id", e.id()).append(',');
      Json.field(b, "at", e.at().toString()).append(',');
      Json.field(b, "instance", e.instance()).append(',');
      Json.field(b, "kind", e.kind().label()).append(',');
      Json.field(b, "version", e.version()).append(',');
      Json.field(b, "from", label(e.from())).append(',');
      Json.field(b, "to", label(e.to())).append(',');
      MoveReason r = e.reason();
      Json.field(b, "reason", r == null ? null : r.label()).append(',');
      Json.field(b, "detail", e.detail()).append(',');
      b.append("\"inputs\":{");
      boolean firstInput = true;
      for (Map.Entry<String, Long> in : e.inputs().entrySet()) {
        if (!firstInput) {
          b.append(',');
        }
        firstInput = false;
        Json.field(b, in.getKey(), in.getValue());
      }
      b.append("}}");
    }
    return b.append("]}").toString();
  }

  private static @Nullable String label(@Nullable Tier tier) {
    return tier == null ? null : tier.label();
  }
}
