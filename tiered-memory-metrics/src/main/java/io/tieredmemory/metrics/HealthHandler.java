package io.tieredmemory.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import java.io.IOException;
import java.util.List;

/**
 * {@code /health}: {@code UP} when every tier of every store answers; {@code DEGRADED} (still 200:
 * reads and writes work) when a HOT or COLD tier does not; {@code DOWN} (503) when a WARM tier, the
 * system of record, does not. From what the store's own calls saw ({@link
 * io.tieredmemory.core.TierView#up()}), never a call to a tier; never asks for credentials.
 */
final class HealthHandler implements HttpHandler {
  private final List<TieredMemory> stores;

  HealthHandler(List<TieredMemory> stores) {
    this.stores = stores;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    StringBuilder all = new StringBuilder();
    boolean degraded = false;
    boolean down = false;
    for (TieredMemory s : stores) {
      String status = "UP";
      StringBuilder tiers = new StringBuilder();
      for (Tier t : Tier.values()) {
        boolean up = s.tier(t).up();
        if (!up && t == Tier.WARM) {
          down = true;
          status = "DOWN";
        } else if (!up) {
          degraded = true;
          status = status.equals("DOWN") ? status : "DEGRADED";
        }
        if (tiers.length() > 0) {
          tiers.append(',');
        }
        Json.field(tiers, t.label(), up ? "UP" : "DOWN");
      }
      if (all.length() > 0) {
        all.append(',');
      }
      all.append('{');
      Json.field(all, "name", s.name()).append(',');
      Json.field(all, "status", status);
      all.append(",\"tiers\":{").append(tiers).append("}}");
    }
    StringBuilder b = new StringBuilder("{");
    Json.field(b, "status", down ? "DOWN" : degraded ? "DEGRADED" : "UP");
    b.append(",\"stores\":[").append(all).append("]}");
    Http.send(ex, down ? 503 : 200, Http.JSON, b.toString());
  }
}
