package io.tieredmemory.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.tieredmemory.core.TieredMemory;
import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code /memory/stats}: the stores' tiers, requests, movements and policy as JSON. */
final class StatsHandler implements HttpHandler {
  private final MeterRegistry registry;
  private final MetricNames names;
  private final List<TieredMemory> stores;
  private final @Nullable DecisionFeed feed;

  StatsHandler(
      MeterRegistry registry,
      MetricNames names,
      List<TieredMemory> stores,
      @Nullable DecisionFeed feed) {
    this.registry = registry;
    this.names = names;
    this.stores = stores;
    this.feed = feed;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    long dropped = feed == null ? 0 : feed.dropped();
    Http.send(ex, 200, Http.JSON, StatsJson.write(registry, names, stores, dropped));
  }
}
