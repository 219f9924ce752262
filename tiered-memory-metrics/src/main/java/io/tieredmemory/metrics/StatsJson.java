package io.tieredmemory.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tieredmemory.core.Kinds;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
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
    // Function counters: each sums its per-thread cells when read (the store's RequestCounts).
    for (FunctionCounter c :
        registry.find(names.requests()).tag("store", name).functionCounters()) {
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
    // Summed over kinds (a store with kinds has a counter per kind of each way of moving).
    Map<String, Long> moved = new TreeMap<>();
    for (Counter c : counters(registry, names.movements(), name)) {
      if (c.count() > 0) {
        moved.merge(
            c.getId().getTag("from")
                + "\t"
                + c.getId().getTag("to")
                + "\t"
                + c.getId().getTag("reason"),
            (long) c.count(),
            Long::sum);
      }
    }
    b.append("},\"movements\":[");
    first(b, moved.entrySet(), (sb, e) -> movement(sb, e.getKey().split("\t", -1), e.getValue()));
    b.append("],\"policy\":");
    policy(b, store.policy());
    if (store.kinds().isPresent()) {
      b.append(",\"kinds\":");
      kinds(b, registry, names, name);
    }
    b.append('}');
  }

  private static void movement(StringBuilder sb, String[] way, long count) {
    sb.append('{');
    Json.field(sb, "from", way[0]).append(',');
    Json.field(sb, "to", way[1]).append(',');
    Json.field(sb, "reason", way[2]).append(',');
    Json.field(sb, "count", count).append('}');
  }

  /**
   * What each tier holds of each kind and how each kind moved, from the kind-tagged meters: {@code
   * {"labels":[...], "tiers":{"hot":{"doc":{"items":3,"bytes":120}, ...}, ...},
   * "movements":[{"kind":"doc","from":"warm","to":"cold","count":7}, ...]}}. Labels are sorted by
   * items held (all tiers but HOT, which WARM already counts), then by name, {@code none} and
   * {@code other} last.
   */
  private static void kinds(
      StringBuilder b, MeterRegistry registry, MetricNames names, String store) {
    Map<String, Map<String, long[]>> byTier = new TreeMap<>();
    Map<String, Long> held = new HashMap<>();
    for (Gauge g : registry.find(names.items()).tag("store", store).gauges()) {
      String kind = g.getId().getTag("kind");
      String tier = g.getId().getTag("tier");
      if (kind == null || tier == null) {
        continue;
      }
      Gauge bytes =
          registry.find(names.bytes()).tags("store", store, "tier", tier, "kind", kind).gauge();
      long items = known(g);
      byTier
          .computeIfAbsent(tier, t -> new HashMap<>())
          .put(kind, new long[] {items, bytes == null ? -1 : known(bytes)});
      held.merge(kind, tier.equals(Tier.HOT.label()) ? 0 : Math.max(0, items), Long::sum);
    }
    List<String> labels = new ArrayList<>(held.keySet());
    labels.sort(
        Comparator.comparing((String k) -> k.equals(Kinds.NONE) || k.equals(Kinds.OTHER))
            .thenComparing(k -> -held.getOrDefault(k, 0L))
            .thenComparing(Comparator.naturalOrder()));
    b.append("{\"labels\":[");
    first(b, labels, Json::string);
    b.append("],\"tiers\":{");
    boolean firstTier = true;
    for (Tier t : Tier.values()) {
      Map<String, long[]> counts = byTier.getOrDefault(t.label(), Map.of());
      if (!firstTier) {
        b.append(',');
      }
      firstTier = false;
      Json.string(b, t.label()).append(":{");
      first(
          b,
          labels,
          (sb, k) -> {
            long[] c = counts.getOrDefault(k, new long[] {-1, -1});
            Json.string(sb, k).append(":{");
            Json.field(sb, "items", c[0]).append(',');
            Json.field(sb, "bytes", c[1]).append('}');
          });
      b.append('}');
    }
    Map<String, Long> moved = new TreeMap<>();
    for (Counter c : counters(registry, names.movements(), store)) {
      String kind = c.getId().getTag("kind");
      if (kind != null && c.count() > 0) {
        moved.merge(
            kind + "\t" + c.getId().getTag("from") + "\t" + c.getId().getTag("to"),
            (long) c.count(),
            Long::sum);
      }
    }
    b.append("},\"movements\":[");
    first(
        b,
        moved.entrySet(),
        (sb, e) -> {
          String[] k = e.getKey().split("\t", -1);
          sb.append('{');
          Json.field(sb, "kind", k[0]).append(',');
          Json.field(sb, "from", k[1]).append(',');
          Json.field(sb, "to", k[2]).append(',');
          Json.field(sb, "count", e.getValue()).append('}');
        });
    b.append("]}");
  }

  private static long known(Gauge g) {
    double v = g.value();
    return Double.isNaN(v) ? -1 : (long) v;
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

  /**
   * The gauge's value (summed over kinds for a store with kinds), or -1 when unknown (never
   * refreshed, or not bound to this registry).
   */
  private static long gauge(MeterRegistry registry, String meter, String store, Tier tier) {
    long sum = 0;
    boolean known = false;
    for (Gauge g : registry.find(meter).tags("store", store, "tier", tier.label()).gauges()) {
      double v = g.value();
      if (!Double.isNaN(v)) {
        sum += (long) v;
        known = true;
      }
    }
    return known ? sum : -1;
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
