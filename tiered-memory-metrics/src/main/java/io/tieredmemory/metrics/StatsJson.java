package io.tieredmemory.metrics;

import io.tieredmemory.core.Operation;
import io.tieredmemory.core.RequestResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.policy.TieringPolicy;
import java.time.Instant;
import java.util.List;

/**
 * The {@code /memory/stats} document: per store, what each tier holds (from the gauges' last
 * background refresh, never a call to a tier), requests by operation/tier/result, movements by
 * from/to/reason, and the policy in words.
 */
final class StatsJson {
  private static final Tier[][] FLOWS = {
    {Tier.WARM, Tier.HOT}, {Tier.HOT, Tier.WARM}, {Tier.WARM, Tier.COLD}, {Tier.COLD, Tier.WARM}
  };

  private StatsJson() {}

  static String write(List<TieredMemory> stores, DecisionFeed feed) {
    StringBuilder b = new StringBuilder(2048);
    b.append('{');
    Json.field(b, "at", Instant.now().toString()).append(',');
    Json.field(b, "eventsDropped", feed.dropped()).append(',');
    b.append("\"stores\":[");
    boolean first = true;
    for (TieredMemory store : stores) {
      MicrometerTierObserver o = TieredMemoryMetrics.observerOf(store).orElse(null);
      if (o == null) {
        continue;
      }
      if (!first) {
        b.append(',');
      }
      first = false;
      store(b, store, o);
    }
    return b.append("]}").toString();
  }

  private static void store(StringBuilder b, TieredMemory store, MicrometerTierObserver o) {
    b.append('{');
    Json.field(b, "name", store.name()).append(',');
    b.append("\"tiers\":{");
    for (Tier t : Tier.values()) {
      if (t.ordinal() > 0) {
        b.append(',');
      }
      Json.string(b, t.label()).append(":{");
      Json.field(b, "kind", store.tier(t).kind()).append(',');
      Json.field(b, "items", o.items(t)).append(',');
      Json.field(b, "bytes", o.bytes(t)).append('}');
    }
    b.append("},\"requests\":{");
    boolean first = true;
    for (Operation op : Operation.values()) {
      for (Tier t : new Tier[] {Tier.HOT, Tier.WARM, Tier.COLD, null}) {
        for (RequestResult r : RequestResult.values()) {
          double n = o.requestCount(op, t, r);
          if (n > 0) {
            if (!first) {
              b.append(',');
            }
            first = false;
            String key = op.label() + "." + (t == null ? "none" : t.label()) + "." + r.label();
            Json.field(b, key, (long) n);
          }
        }
      }
    }
    b.append("},\"movements\":[");
    first = true;
    for (Tier[] flow : FLOWS) {
      for (MoveReason reason : MoveReason.values()) {
        double n = o.movementCount(flow[0], flow[1], reason);
        if (n > 0) {
          if (!first) {
            b.append(',');
          }
          first = false;
          b.append('{');
          Json.field(b, "from", flow[0].label()).append(',');
          Json.field(b, "to", flow[1].label()).append(',');
          Json.field(b, "reason", reason.label()).append(',');
          Json.field(b, "count", (long) n).append('}');
        }
      }
    }
    b.append("],\"policy\":");
    policy(b, store.policy());
    b.append('}');
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
