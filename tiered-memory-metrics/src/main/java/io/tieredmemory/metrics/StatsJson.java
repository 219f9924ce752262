package io.tieredmemory.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code /memory/stats} document: per store, what each tier holds (the item and byte gauges, as
 * of their last background refresh, never a call to a tier), requests by operation, tier and
 * result, movements by from, to and reason, and the policy. Every count is read from the store's
 * meters in the registry (by their {@code store} tag), so the document and {@code /metrics} always
 * agree.
 */
final class StatsJson {
  private StatsJson() {}

  static String write(
      MeterRegistry registry, MetricNames names, List<TieredMemory> stores, long eventsDropped) {
    StringBuilder b = new StringBuilder(2048);
    b.append('{');
    Json.field(b, "at", Instant.now().toString()).append(',');
    Json.field(b, "eventsDropped", eventsDropped).append(',');
    b.append("\"stores\":[");
    boolean first = true;
    for (TieredMemory store : stores) {
      if (!first) {
        b.append(',');
      }
      first = false;
      store(b, registry, names, store);
    }
    return b.append("]}").toString();
  }

  private static void store(
      StringBuilder b, MeterRegistry registry, MetricNames names, TieredMemory store) {
    String name = store.name();
    b.append('{');
    Json.field(b, "name", name).append(',');
    b.append("\"tiers\":{");
    for (Tier t : Tier.values()) {
      if (t.ordinal() > 0) {
        b.append(',');
      }
      Json.string(b, t.label()).append(":{");
      Json.field(b, "kind", store.tier(t).kind()).append(',');
      Json.field(b, "items", gauge(registry, names.items(), name, t)).append(',');
      Json.field(b, "bytes", gauge(registry, names.bytes(), name, t)).append('}');
    }
    // Sorted, so the document is stable from one refresh to the next.
    Map<String, Long> requests = new TreeMap<>();
    for (Counter c : counters(registry, names.requests(), name)) {
      long n = (long) c.count();
      if (n > 0) {
        requests.merge(
            c.getId().getTag("operation")
                + "."
                + c.getId().getTag("tier")
                + "."
                + c.getId().getTag("result"),
            n,
            Long::sum);
      }
    }
    b.append("},\"requests\":{");
    first(b, requests.entrySet(), (sb, e) -> Json.field(sb, e.getKey(), e.getValue()));
    List<Counter> moved = new ArrayList<>(counters(registry, names.movements(), name));
    moved.removeIf(c -> c.count() <= 0);
    moved.sort(
        (x, y) ->
            (x.getId().getTag("from") + x.getId().getTag("to") + x.getId().getTag("reason"))
                .compareTo(
                    y.getId().getTag("from")
                        + y.getId().getTag("to")
                        + y.getId().getTag("reason")));
    b.append("},\"movements\":[");
    first(
        b,
        moved,
        (sb, c) -> {
          sb.append('{');
          Json.field(sb, "from", c.getId().getTag("from")).append(',');
          Json.field(sb, "to", c.getId().getTag("to")).append(',');
          Json.field(sb, "reason", c.getId().getTag("reason")).append(',');
          Json.field(sb, "count", (long) c.count()).append('}');
        });
    b.append("],\"policy\":");
    policy(b, store.policy());
    b.append('}');
  }

  private static <T> void first(
      StringBuilder b, Collection<T> items, java.util.function.BiConsumer<StringBuilder, T> each) {
    boolean first = true;
    for (T item : items) {
      if (!first) {
        b.append(',');
      }
      first = false;
      each.accept(b, item);
    }
  }

  private static Collection<Counter> counters(MeterRegistry registry, String meter, String store) {
    return registry.find(meter).tag("store", store).counters();
  }

  /** The gauge's value, or -1 when unknown (never refreshed, or not bound to this registry). */
  private static long gauge(MeterRegistry registry, String meter, String store, Tier tier) {
    Gauge g = registry.find(meter).tags("store", store, "tier", tier.label()).gauge();
    double v = g == null ? Double.NaN : g.value();
    return Double.isNaN(v) ? -1 : (long) v;
  }

  private static void policy(StringBuilder b, TieringPolicy p) {
    b.append('{');
    Json.field(b, "promote", p.promotion().decision().detail()).append(',');
    Json.field(b, "demoteIdle", p.demotion().idleDecision(p.demotion().idle()).detail())
        .append(',');
    Json.field(b, "hotCapacity", p.demotion().capacity()).append(',');
    Json.field(b, "archiveIdle", p.archive().decision(p.archive().idle()).detail()).append(',');
    b.append("\"rehydrate\":").append(p.rehydration().enabled());
    b.append('}');
  }
}
