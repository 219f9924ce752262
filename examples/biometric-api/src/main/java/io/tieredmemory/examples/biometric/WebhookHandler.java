package io.tieredmemory.examples.biometric;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.TieredMemoryException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * {@code POST /webhooks/{source}}: one biometric reading as JSON, stored as a memory.
 *
 * <pre>
 * POST /webhooks/oura
 * {"userId":"u-17","metric":"heart_rate","value":72,"timestamp":"2026-11-30T10:15:00Z"}
 *
 * 201 {"key":"bio:u-17:heart_rate:1796033700000","version":1796033712345678}
 * </pre>
 *
 * <p>Refusals, each with {@code {"error", "field", "value"}} and nothing stored: 400 for a body
 * that is not a valid reading, 404 for an unknown source, 405 for another method than POST, 413 for
 * a body over {@value #MAX_BODY_BYTES} bytes (refused while reading it), 503 when the store's
 * system of record failed. Every request is counted by source and status, and timed.
 */
final class WebhookHandler implements HttpHandler {
  /** The largest body accepted: a reading is about 100 bytes. */
  static final int MAX_BODY_BYTES = 64 * 1024;

  static final String PATH = "/webhooks";

  private final TieredMemory store;
  private final ReadingParser parser;
  private final WebhookMetrics metrics;

  WebhookHandler(TieredMemory store, ReadingParser parser, WebhookMetrics metrics) {
    this.store = store;
    this.parser = parser;
    this.metrics = metrics;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    long start = System.nanoTime();
    String path = ex.getRequestURI().getPath();
    String segment = path.startsWith(PATH + "/") ? path.substring(PATH.length() + 1) : "";
    Optional<Source> source = Source.of(segment);
    String sourceTag = source.map(Source::label).orElse(Source.UNKNOWN_LABEL);
    int status = 500;
    try (ex) {
      try {
        if (!"POST".equals(ex.getRequestMethod())) {
          ex.getResponseHeaders().set("Allow", "POST");
          throw new ApiError(
              405,
              "method",
              ex.getRequestMethod(),
              "method "
                  + HttpIo.shown(ex.getRequestMethod())
                  + " is not allowed on "
                  + PATH
                  + "/{source}; use POST");
        }
        if (source.isEmpty()) {
          throw new ApiError(
              404,
              "source",
              HttpIo.shown(segment),
              "unknown source '" + HttpIo.shown(segment) + "'; known sources: " + known());
        }
        byte[] body = HttpIo.readBody(ex, MAX_BODY_BYTES);
        Reading reading = parser.parse(source.get(), body);
        Memory stored = store.put(reading.key(), reading.content(), reading.metadata());
        ObjectNode json = HttpIo.JSON.createObjectNode();
        json.put("key", stored.key());
        json.put("version", stored.version());
        ex.getResponseHeaders().set("Location", location(stored.key()));
        status = 201;
        HttpIo.sendJson(ex, status, json);
      } catch (ApiError e) {
        status = e.status();
        HttpIo.sendError(ex, e);
      } catch (TieredMemoryException e) {
        status = 503;
        HttpIo.sendError(
            ex,
            new ApiError(
                503,
                null,
                null,
                "the reading could not be stored (" + e.getMessage() + "); retry later"));
      } catch (RuntimeException e) {
        status = 500;
        System.err.println("biometric-api: webhook failed: " + e);
        HttpIo.sendError(ex, new ApiError(500, null, null, "internal error"));
      }
    } finally {
      metrics.record(sourceTag, status, System.nanoTime() - start);
    }
  }

  /** {@code /memories/{key}}, escaped only where a path needs it (keys here never do). */
  private static String location(String key) {
    try {
      return new URI(null, null, MemoriesHandler.PATH + "/" + key, null).getRawPath();
    } catch (URISyntaxException e) {
      return MemoriesHandler.PATH;
    }
  }

  private static String known() {
    StringBuilder b = new StringBuilder();
    for (Source s : Source.values()) {
      if (b.length() > 0) {
        b.append(", ");
      }
      b.append(s.label());
    }
    return b.toString();
  }
}
