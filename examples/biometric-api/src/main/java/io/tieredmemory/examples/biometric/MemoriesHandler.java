package io.tieredmemory.examples.biometric;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.SearchHit;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.TieredMemoryException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads memories back.
 *
 * <ul>
 *   <li>{@code GET /memories/{key}}: the memory as JSON, or 404. A read like any other: it may
 *       promote the memory to HOT, or bring it back from COLD.
 *   <li>{@code GET /memories?query=...&k=5}: the {@code k} (1-50, default 5) memories most similar
 *       to the query, most similar first, with the tier each was found in.
 * </ul>
 */
final class MemoriesHandler implements HttpHandler {
  static final String PATH = "/memories";

  static final int DEFAULT_K = 5;
  static final int MAX_K = 50;
  static final int MAX_QUERY_LENGTH = 1000;

  private final TieredMemory store;

  MemoriesHandler(TieredMemory store) {
    this.store = store;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      try {
        String method = ex.getRequestMethod();
        if (!"GET".equals(method)) {
          ex.getResponseHeaders().set("Allow", "GET");
          throw new ApiError(
              405,
              "method",
              method,
              "method " + HttpIo.shown(method) + " is not allowed on " + PATH + "; use GET");
        }
        String path = ex.getRequestURI().getPath();
        if (path.equals(PATH) || path.equals(PATH + "/")) {
          search(ex);
        } else if (path.startsWith(PATH + "/")) {
          get(ex, path.substring(PATH.length() + 1));
        } else {
          throw new ApiError(404, "path", HttpIo.shown(path), "no such path: " + path);
        }
      } catch (ApiError e) {
        HttpIo.sendError(ex, e);
      } catch (TieredMemoryException e) {
        HttpIo.sendError(ex, new ApiError(503, null, null, e.getMessage() + "; retry later"));
      } catch (RuntimeException e) {
        System.err.println("biometric-api: " + ex.getRequestURI().getPath() + " failed: " + e);
        HttpIo.sendError(ex, new ApiError(500, null, null, "internal error"));
      }
    }
  }

  private void get(HttpExchange ex, String key) throws ApiError, IOException {
    Optional<Memory> found;
    try {
      found = store.get(key);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("key", HttpIo.shown(key), e.getMessage());
    }
    if (found.isEmpty()) {
      throw new ApiError(
          404, "key", HttpIo.shown(key), "no memory with key '" + HttpIo.shown(key) + "'");
    }
    HttpIo.sendJson(ex, 200, memoryJson(found.get()));
  }

  private void search(HttpExchange ex) throws ApiError, IOException {
    Map<String, String> params = params(ex.getRequestURI().getRawQuery());
    for (String name : params.keySet()) {
      if (!name.equals("query") && !name.equals("k")) {
        throw ApiError.badRequest(
            name,
            HttpIo.shown(params.get(name)),
            "unknown parameter '" + HttpIo.shown(name) + "'; expected query and k");
      }
    }
    String query = params.get("query");
    if (query == null || query.isBlank()) {
      throw ApiError.badRequest(
          "query", query, "query is required, e.g. /memories?query=heart+rate+u-17&k=5");
    }
    if (query.length() > MAX_QUERY_LENGTH) {
      throw ApiError.badRequest(
          "query",
          HttpIo.shown(query),
          "query must be at most " + MAX_QUERY_LENGTH + " chars, was " + query.length());
    }
    int k = DEFAULT_K;
    String rawK = params.get("k");
    if (rawK != null) {
      try {
        k = Integer.parseInt(rawK.trim());
      } catch (NumberFormatException e) {
        k = -1;
      }
      if (k < 1 || k > MAX_K) {
        throw ApiError.badRequest(
            "k",
            HttpIo.shown(rawK),
            "k must be a whole number from 1 to " + MAX_K + ", was '" + HttpIo.shown(rawK) + "'");
      }
    }
    List<SearchHit> hits = store.search(query, k);
    ObjectNode json = HttpIo.JSON.createObjectNode();
    json.put("query", query);
    json.put("k", k);
    ArrayNode results = json.putArray("results");
    for (SearchHit hit : hits) {
      ObjectNode r = memoryJson(hit.memory());
      r.put("tier", hit.tier().label());
      r.put("similarity", Math.round(hit.similarity() * 10_000) / 10_000.0);
      results.add(r);
    }
    HttpIo.sendJson(ex, 200, json);
  }

  static ObjectNode memoryJson(Memory m) {
    ObjectNode json = HttpIo.JSON.createObjectNode();
    json.put("key", m.key());
    json.put("content", m.content());
    ObjectNode metadata = json.putObject("metadata");
    new TreeMap<>(m.metadata()).forEach(metadata::put);
    json.put("createdAt", m.createdAt().toString());
    json.put("updatedAt", m.updatedAt().toString());
    json.put("version", m.version());
    return json;
  }

  /** Query parameters by name; a repeated parameter is refused. */
  private static Map<String, String> params(String rawQuery) throws ApiError {
    Map<String, String> params = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (String part : rawQuery.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String name;
      String value;
      try {
        name = HttpIo.decodeQueryPart(eq < 0 ? part : part.substring(0, eq));
        value = eq < 0 ? "" : HttpIo.decodeQueryPart(part.substring(eq + 1));
      } catch (IllegalArgumentException e) {
        throw ApiError.badRequest(
            "query string",
            HttpIo.shown(part),
            "query string has a malformed %-escape in '" + HttpIo.shown(part) + "'");
      }
      if (params.put(name, value) != null) {
        throw ApiError.badRequest(
            name, HttpIo.shown(value), "parameter '" + HttpIo.shown(name) + "' given twice");
      }
    }
    return params;
  }
}
