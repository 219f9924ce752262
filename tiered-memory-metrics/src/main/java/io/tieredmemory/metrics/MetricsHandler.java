package io.tieredmemory.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * {@code /metrics}: the registry in the Prometheus text format, OpenMetrics when the {@code Accept}
 * header asks for {@code application/openmetrics-text}, or the protobuf format (the one that
 * carries native histograms) when it asks for {@code application/vnd.google.protobuf}.
 */
final class MetricsHandler implements HttpHandler {
  private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";
  private static final String OPENMETRICS =
      "application/openmetrics-text; version=1.0.0; charset=utf-8";
  private static final String PROTOBUF =
      "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

  private final PrometheusMeterRegistry registry;

  MetricsHandler(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    String accept = ex.getRequestHeaders().getFirst("Accept");
    String type;
    if (accept != null && accept.contains("application/vnd.google.protobuf")) {
      type = PROTOBUF; // what a Prometheus with native histograms enabled asks for first
    } else if (accept != null && accept.contains("application/openmetrics-text")) {
      type = OPENMETRICS;
    } else {
      type = PROMETHEUS;
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
    registry.scrape(body, type);
    ex.getResponseHeaders().set("Content-Type", type);
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(200, head ? -1 : body.size());
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        body.writeTo(out);
      }
    }
  }
}
