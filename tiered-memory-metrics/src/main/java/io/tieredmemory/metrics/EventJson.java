package io.tieredmemory.metrics;

import io.tieredmemory.core.event.TierEvent;
import java.util.function.UnaryOperator;

/** One {@link TierEvent} as a JSON object: kind, store, time, key label, and the kind's fields. */
final class EventJson {
  private EventJson() {}

  static void write(
      StringBuilder b, long seq, TierEvent e, UnaryOperator<String> keyLabel, boolean messages) {
    b.append('{');
    Json.field(b, "seq", seq).append(',');
    Json.field(b, "kind", e.kind()).append(',');
    Json.field(b, "store", e.store()).append(',');
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
}
