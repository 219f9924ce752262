package io.tieredmemory.metrics;

import io.tieredmemory.core.Tier;
import io.tieredmemory.core.event.TierEvent;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * One {@link TierEvent} as a JSON object: sequence, kind, store, instance, time, key label, and the
 * kind's fields. A {@code recalled} event adds its results as an array of flat objects (key label,
 * version, tier, similarity or null), and its query text only when the feed shows query text.
 */
final class EventJson {
  private EventJson() {}

  /**
   * Writes the event; {@code seq} is left out when negative (a durable feed's log numbers it:
   * {@link #withSeq}), {@code instance} when null.
   */
  static void write(
      StringBuilder b,
      long seq,
      @Nullable String instance,
      TierEvent e,
      UnaryOperator<String> keyLabel,
      boolean messages,
      boolean queryText) {
    b.append('{');
    if (seq >= 0) {
      Json.field(b, "seq", seq).append(',');
    }
    Json.field(b, "kind", e.kind()).append(',');
    Json.field(b, "store", e.store()).append(',');
    if (instance != null) {
      Json.field(b, "instance", instance).append(',');
    }
    Json.field(b, "at", e.at().toString());
    if (e instanceof TierEvent.Moved m) {
      b.append(',');
      Json.field(b, "key", keyLabel.apply(m.key())).append(',');
      Json.field(b, "version", m.version()).append(',');
      Json.field(b, "from", m.from().label()).append(',');
      Json.field(b, "to", m.to().label()).append(',');
      Json.field(b, "reason", m.reason().label()).append(',');
      Json.field(b, "detail", m.detail()).append(',');
      Json.field(b, "tookMicros", m.took().toNanos() / 1000);
    } else if (e instanceof TierEvent.Put p) {
      b.append(',');
      Json.field(b, "key", keyLabel.apply(p.key())).append(',');
      Json.field(b, "version", p.version()).append(',');
      Json.field(b, "tookMicros", p.took().toNanos() / 1000);
    } else if (e instanceof TierEvent.Evicted v) {
      b.append(',');
      Json.field(b, "key", keyLabel.apply(v.key())).append(',');
      Json.field(b, "version", v.version()).append(',');
      Json.field(b, "tier", v.tier().label()).append(',');
      Json.field(b, "reason", v.reason().label()).append(',');
      Json.field(b, "detail", v.detail());
    } else if (e instanceof TierEvent.Deleted d) {
      b.append(',');
      Json.field(b, "key", keyLabel.apply(d.key())).append(',');
      b.append("\"existed\":").append(d.existed());
    } else if (e instanceof TierEvent.BackendFailed f) {
      b.append(',');
      Json.field(b, "tier", f.tier().label()).append(',');
      Json.field(b, "operation", f.operation().label()).append(',');
      Json.field(b, "errorType", f.errorType());
      if (messages) {
        b.append(',');
        Json.field(b, "message", f.message());
      }
    } else if (e instanceof TierEvent.Recalled r) {
      b.append(',');
      Json.field(b, "source", r.source()).append(',');
      Json.field(b, "count", r.results().size()).append(',');
      Json.field(b, "hot", r.servedBy(Tier.HOT)).append(',');
      Json.field(b, "warm", r.servedBy(Tier.WARM)).append(',');
      Json.field(b, "cold", r.servedBy(Tier.COLD)).append(',');
      Json.string(b, "results").append(":[");
      for (int i = 0; i < r.results().size(); i++) {
        TierEvent.Recalled.Result x = r.results().get(i);
        b.append(i == 0 ? "{" : ",{");
        Json.field(b, "key", keyLabel.apply(x.key())).append(',');
        Json.field(b, "version", x.version()).append(',');
        Json.field(b, "tier", x.tier().label()).append(',');
        // Rounded to 4 decimals: enough to read, and the same on every platform.
        Json.field(b, "similarity", Math.round(x.similarity() * 10_000) / 10_000.0).append('}');
      }
      b.append("],");
      if (queryText) {
        Json.field(b, "query", r.query()).append(',');
      }
      Json.field(b, "traceId", r.traceId()).append(',');
      Json.field(b, "tookMicros", r.took().toNanos() / 1000);
    } else if (e instanceof TierEvent.SweepCompleted s) {
      b.append(',');
      Json.field(b, "demoted", s.demoted()).append(',');
      Json.field(b, "archived", s.archived()).append(',');
      Json.field(b, "reconciled", s.reconciled()).append(',');
      Json.field(b, "failed", s.failed()).append(',');
      Json.field(b, "tookMicros", s.took().toNanos() / 1000);
    }
    b.append('}');
  }

  /** {@code json}, written without a sequence, with {@code "seq":seq} put first. */
  static String withSeq(long seq, String json) {
    return "{\"seq\":" + seq + (json.length() > 2 ? "," + json.substring(1) : "}");
  }
}
