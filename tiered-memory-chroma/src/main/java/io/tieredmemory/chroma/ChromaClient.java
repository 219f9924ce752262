package io.tieredmemory.chroma;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A small client for the parts of Chroma's v2 REST API the COLD tier needs, on a {@link ChromaHttp}
 * transport (which sends the requests and turns every failure into a {@link ChromaException}).
 * Package-private on purpose: it is an implementation detail of {@link DefaultChromaTierStore}, not
 * a general Chroma client.
 *
 * <p>Record calls take a collection UUID (Chroma's v2 paths need it, not the name). Batches larger
 * than the server's {@code max_batch_size} are split here, because the server does not enforce the
 * limit it advertises. JSON is handled with Jackson's tree model only (no bean binding, no
 * polymorphic typing), with Jackson's default read limits.
 */
final class ChromaClient {
  static final ObjectMapper JSON = ChromaJson.JSON;
  static final JsonNodeFactory NODES = ChromaJson.NODES;

  /** Concurrent requests of one {@link #deleteEach}: few, so a batch never floods the server. */
  static final int MAX_IN_FLIGHT = 8;

  /** What a get or query returns besides ids. */
  enum Include {
    DOCUMENTS("documents"),
    METADATAS("metadatas"),
    EMBEDDINGS("embeddings"),
    DISTANCES("distances");

    final String wire;

    Include(String wire) {
      this.wire = wire;
    }
  }

  /** A record to write; null fields are left out of the request (kept by update and upsert). */
  record Write(
      String id,
      @Nullable String document,
      float @Nullable [] embedding,
      @Nullable ObjectNode metadata) {}

  /** A record read back; fields not included are null. */
  record Row(
      String id,
      @Nullable String document,
      @Nullable JsonNode metadata,
      float @Nullable [] embedding) {}

  /** A query result with Chroma's distance (for cosine: 1 - similarity). */
  record Hit(Row row, double distance) {}

  /**
   * A collection as the server describes it; {@code dimension} is null until the first add, {@code
   * metadata} null when the collection has none.
   */
  record CollectionInfo(
      String id,
      String name,
      String space,
      @Nullable Integer dimension,
      @Nullable ObjectNode metadata) {}

  private final ChromaHttp http;
  private final String databasePath;
  private final int batchCap;
  private volatile int maxBatchSize;

  /**
   * A client of {@code tenant}'s {@code database} through {@code http}, sending at most {@code
   * batchCap} records per request (fewer if the server advertises a smaller {@code
   * max_batch_size}).
   */
  ChromaClient(ChromaHttp http, String tenant, String database, int batchCap) {
    this.http = http;
    this.databasePath =
        "/api/v2/tenants/"
            + ChromaJson.segment(tenant)
            + "/databases/"
            + ChromaJson.segment(database)
            + "/collections";
    this.batchCap = batchCap;
  }

  /** HTTP requests sent so far (for tests and diagnostics). */
  long requestCount() {
    return http.requestCount();
  }

  /** {@code GET /api/v2/heartbeat}. */
  JsonNode heartbeat() {
    return http.send("GET", "/api/v2/heartbeat", null);
  }

  /** The largest batch per call: the server's pre-flight {@code max_batch_size}, fetched once. */
  int maxBatchSize() {
    int cached = maxBatchSize;
    if (cached > 0) {
      return cached;
    }
    JsonNode checks = http.send("GET", "/api/v2/pre-flight-checks", null);
    int server = checks.path("max_batch_size").asInt(0);
    if (server < 1) {
      throw new IllegalStateException(
          "Chroma pre-flight-checks gave no usable max_batch_size: "
              + ChromaJson.abbreviate(checks));
    }
    maxBatchSize = Math.min(server, batchCap);
    return maxBatchSize;
  }

  /** Gets the collection, creating it with {@code space} and no metadata if absent. */
  CollectionInfo getOrCreateCollection(String name, String space) {
    return getOrCreateCollection(name, space, null);
  }

  /**
   * Gets the collection, creating it with {@code space} and {@code metadata} if absent (an existing
   * collection keeps its own metadata: the server ignores {@code metadata} then).
   */
  CollectionInfo getOrCreateCollection(String name, String space, @Nullable ObjectNode metadata) {
    ObjectNode body = NODES.objectNode();
    body.put("name", name);
    body.put("get_or_create", true);
    if (metadata != null) {
      body.set("metadata", metadata);
    }
    body.putObject("configuration").putObject("hnsw").put("space", space);
    JsonNode c = http.send("POST", databasePath, body);
    JsonNode config = c.path("configuration_json");
    String actual = config.path("hnsw").path("space").asText(null);
    if (actual == null) {
      actual = config.path("spann").path("space").asText(null);
    }
    JsonNode dim = c.path("dimension");
    return new CollectionInfo(
        c.path("id").asText(),
        c.path("name").asText(),
        actual == null ? "l2" : actual, // Chroma's default space
        dim.isIntegralNumber() ? dim.asInt() : null,
        c.path("metadata").isObject() ? (ObjectNode) c.path("metadata") : null);
  }

  /**
   * Replaces the metadata of the collection {@code collectionId} with {@code metadata} (Chroma
   * replaces it whole: pass every key to keep).
   */
  void modifyCollectionMetadata(String collectionId, ObjectNode metadata) {
    ObjectNode body = NODES.objectNode();
    body.set("new_metadata", metadata);
    http.send("PUT", databasePath + "/" + ChromaJson.segment(collectionId), body);
  }

  /** Deletes a collection by name. */
  void deleteCollection(String name) {
    http.send("DELETE", databasePath + "/" + ChromaJson.segment(name), null);
  }

  /** Adds records; ids that exist are ignored by the server. */
  void add(String collectionId, List<Write> records) {
    write("add", collectionId, records);
  }

  /** Inserts or replaces records (metadata keys are merged: omitted keys are kept). */
  void upsert(String collectionId, List<Write> records) {
    write("upsert", collectionId, records);
  }

  /** Updates existing records (absent ids are ignored); metadata keys are merged. */
  void update(String collectionId, List<Write> records) {
    write("update", collectionId, records);
  }

  private void write(String op, String collectionId, List<Write> records) {
    for (List<Write> batch : batches(records)) {
      ObjectNode body = NODES.objectNode();
      ArrayNode ids = body.putArray("ids");
      boolean anyDoc = false;
      boolean anyVec = false;
      boolean anyMeta = false;
      for (Write w : batch) {
        ids.add(w.id());
        anyDoc |= w.document() != null;
        anyVec |= w.embedding() != null;
        anyMeta |= w.metadata() != null;
      }
      if (anyDoc) {
        ArrayNode docs = body.putArray("documents");
        batch.forEach(w -> docs.add(w.document()));
      }
      if (anyVec) {
        ArrayNode vecs = body.putArray("embeddings");
        for (Write w : batch) {
          ArrayNode v = vecs.addArray();
          // Callers give an embedding to every record of a batch or to none.
          float[] embedding =
              Objects.requireNonNull(w.embedding(), "a batch with embeddings needs one per record");
          for (float x : embedding) {
            v.add(x);
          }
        }
      }
      if (anyMeta) {
        ArrayNode metas = body.putArray("metadatas");
        batch.forEach(w -> metas.add(w.metadata()));
      }
      http.send("POST", recordPath(collectionId, op), body);
    }
  }

  /** Gets records by id, in batches; absent ids are left out. */
  List<Row> get(String collectionId, List<String> ids, Set<Include> include) {
    List<Row> rows = new ArrayList<>();
    for (List<String> batch : batches(ids)) {
      ObjectNode body = NODES.objectNode();
      ArrayNode idArray = body.putArray("ids");
      batch.forEach(idArray::add);
      includes(body, include);
      rows.addAll(ChromaJson.rows(http.send("POST", recordPath(collectionId, "get"), body)));
    }
    return rows;
  }

  /** One page of the records matching {@code where} (all records when null). */
  List<Row> getPage(
      String collectionId,
      @Nullable ObjectNode where,
      int limit,
      int offset,
      Set<Include> include) {
    ObjectNode body = NODES.objectNode();
    if (where != null) {
      body.set("where", where);
    }
    body.put("limit", limit);
    body.put("offset", offset);
    includes(body, include);
    return ChromaJson.rows(http.send("POST", recordPath(collectionId, "get"), body));
  }

  /** The {@code n} nearest records to {@code embedding}, nearest first. */
  List<Hit> query(String collectionId, float[] embedding, int n, Set<Include> include) {
    ObjectNode body = NODES.objectNode();
    ArrayNode v = body.putArray("query_embeddings").addArray();
    for (float x : embedding) {
      v.add(x);
    }
    body.put("n_results", n);
    includes(body, include);
    JsonNode r = http.send("POST", recordPath(collectionId, "query"), body);
    List<Row> rows = ChromaJson.rows(ChromaJson.flatten(r));
    JsonNode distances = r.path("distances").path(0);
    List<Hit> hits = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      hits.add(new Hit(rows.get(i), distances.path(i).asDouble(Double.NaN)));
    }
    return hits;
  }

  /** Deletes the given ids that match {@code where} (all of them when null), in batches. */
  void delete(String collectionId, List<String> ids, @Nullable ObjectNode where) {
    for (List<String> batch : batches(ids)) {
      http.send("POST", recordPath(collectionId, "delete"), deleteBody(batch, where));
    }
  }

  /** One conditional delete: {@code ids} that match {@code where} (all of them when null). */
  record Deletion(List<String> ids, @Nullable ObjectNode where) {}

  /**
   * Sends every deletion, at most {@value #MAX_IN_FLIGHT} at a time on separate connections, and
   * waits for all of them: Chroma's cost is per request, so independent deletes sent together take
   * about the time of one. Ids beyond {@code max_batch_size} are split as {@link #delete} does.
   *
   * @throws ChromaException the first failure, once every request has completed (the others
   *     suppressed in it); the deletions that succeeded stay applied
   */
  void deleteEach(String collectionId, List<Deletion> deletions) {
    List<ObjectNode> bodies = new ArrayList<>();
    for (Deletion d : deletions) {
      for (List<String> ids : batches(d.ids())) {
        bodies.add(deleteBody(ids, d.where()));
      }
    }
    String path = recordPath(collectionId, "delete");
    for (int from = 0; from < bodies.size(); from += MAX_IN_FLIGHT) {
      http.postAll(path, bodies.subList(from, Math.min(bodies.size(), from + MAX_IN_FLIGHT)));
    }
  }

  private static ObjectNode deleteBody(List<String> ids, @Nullable ObjectNode where) {
    ObjectNode body = NODES.objectNode();
    ArrayNode idArray = body.putArray("ids");
    ids.forEach(idArray::add);
    if (where != null) {
      body.set("where", where);
    }
    return body;
  }

  /** How many records the collection holds. */
  long count(String collectionId) {
    return http.send("GET", recordPath(collectionId, "count"), null).asLong();
  }

  /** {@code {"field": {"op": value}}}. */
  static ObjectNode where(String field, String op, long value) {
    ObjectNode w = NODES.objectNode();
    w.putObject(field).put(op, value);
    return w;
  }

  private String recordPath(String collectionId, String op) {
    return databasePath + "/" + ChromaJson.segment(collectionId) + "/" + op;
  }

  private <T> List<List<T>> batches(List<T> items) {
    if (items.isEmpty()) {
      return List.of();
    }
    int size = maxBatchSize();
    List<List<T>> out = new ArrayList<>((items.size() + size - 1) / size);
    for (int i = 0; i < items.size(); i += size) {
      out.add(items.subList(i, Math.min(items.size(), i + size)));
    }
    return out;
  }

  private static void includes(ObjectNode body, Set<Include> include) {
    ArrayNode array = body.putArray("include");
    for (Include i : include) {
      array.add(i.wire);
    }
  }
}
