package io.tieredmemory.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Chroma's v2 REST API called directly, as a user without the library would: the raw baseline of
 * {@link ArchiveBenchmark} and of {@link LoadVsRaw}'s raw search and delete. Same transport as the
 * library (java.net.http, HTTP/1.1, Jackson).
 */
final class RawChroma {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COLLECTIONS =
      "/api/v2/tenants/default_tenant/databases/default_database/collections";

  /** One record to write. */
  record Record(String id, String document, float[] embedding, ObjectNode metadata) {}

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String base;

  RawChroma(URI baseUrl) {
    String b = baseUrl.toString();
    this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
  }

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  /** The server's {@code max_batch_size}. */
  int maxBatchSize() {
    return send("GET", "/api/v2/pre-flight-checks", null).path("max_batch_size").asInt();
  }

  /** Creates (or gets) a collection with the cosine space; returns its id. */
  String createCollection(String name) {
    ObjectNode body = object();
    body.put("name", name);
    body.put("get_or_create", true);
    body.putObject("configuration").putObject("hnsw").put("space", "cosine");
    return send("POST", COLLECTIONS, body).path("id").asText();
  }

  /** Deletes a collection by name; quiet if absent. */
  void deleteCollection(String name) {
    try {
      send("DELETE", COLLECTIONS + "/" + name, null);
    } catch (IllegalStateException e) {
      // absent already
    }
  }

  /** Records in the collection. */
  long count(String collectionId) {
    return send("GET", COLLECTIONS + "/" + collectionId + "/count", null).asLong();
  }

  /** One {@code /upsert} per {@code maxBatch} records. */
  void upsert(String collectionId, List<Record> records, int maxBatch) {
    for (int from = 0; from < records.size(); from += maxBatch) {
      List<Record> batch = records.subList(from, Math.min(records.size(), from + maxBatch));
      ObjectNode body = object();
      ArrayNode ids = body.putArray("ids");
      ArrayNode docs = body.putArray("documents");
      ArrayNode vectors = body.putArray("embeddings");
      ArrayNode metas = body.putArray("metadatas");
      for (Record r : batch) {
        ids.add(r.id());
        docs.add(r.document());
        ArrayNode v = vectors.addArray();
        for (float x : r.embedding()) {
          v.add(x);
        }
        metas.add(r.metadata());
      }
      send("POST", COLLECTIONS + "/" + collectionId + "/upsert", body);
    }
  }

  /**
   * One {@code /query}: the {@code k} records nearest {@code embedding}, with their documents,
   * metadata and distances; returns the ids found (nearest first).
   */
  List<String> query(String collectionId, float[] embedding, int k) {
    ObjectNode body = object();
    ArrayNode v = body.putArray("query_embeddings").addArray();
    for (float x : embedding) {
      v.add(x);
    }
    body.put("n_results", k);
    ArrayNode include = body.putArray("include");
    include.add("documents");
    include.add("metadatas");
    include.add("distances");
    JsonNode ids =
        send("POST", COLLECTIONS + "/" + collectionId + "/query", body).path("ids").path(0);
    List<String> found = new ArrayList<>(ids.size());
    for (JsonNode id : ids) {
      found.add(id.asText());
    }
    return found;
  }

  /** One {@code /delete} of the records with these ids (absent ones are ignored by Chroma). */
  void delete(String collectionId, List<String> ids) {
    ObjectNode body = object();
    ArrayNode a = body.putArray("ids");
    ids.forEach(a::add);
    send("POST", COLLECTIONS + "/" + collectionId + "/delete", body);
  }

  private JsonNode send(String method, String path, JsonNode body) {
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(60))
            .header("Accept", "application/json");
    try {
      if (body == null) {
        rb.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        rb.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      }
      HttpResponse<byte[]> r = http.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
      String text = new String(r.body(), StandardCharsets.UTF_8);
      if (r.statusCode() / 100 != 2) {
        throw new IllegalStateException(
            method + " " + path + ": HTTP " + r.statusCode() + " " + text);
      }
      return text.isBlank() ? JSON.nullNode() : JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(method + " " + path + " interrupted", e);
    }
  }
}
