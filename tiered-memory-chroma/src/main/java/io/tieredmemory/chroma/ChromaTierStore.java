package io.tieredmemory.chroma;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tieredmemory.core.internal.Validation;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.TierStore;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The COLD tier on a Chroma 1.0.x server, through its v2 REST API: one record per memory (id = key,
 * document = content, reserved {@code tm_} metadata, and as vector the memory's own {@link
 * io.tieredmemory.core.Memory#embedding() embedding} if its writer gave one, else the embedder's
 * embedding of its content), searched by cosine similarity. A memory's own embedding is also kept
 * in its metadata and read back exactly, float for float. The collection records the embedder it is
 * written with, and a store with another embedder refuses to open it ({@link Builder#build()}). The
 * store talks to the server with the JDK's HTTP client and creates no other resource than its
 * flusher thread.
 *
 * <pre>{@code
 * Embedder embedder = Embedder.hashing();   // the SAME embedder writes and queries
 * ChromaTierStore cold =
 *     ChromaTierStore.builder(URI.create("http://127.0.0.1:8000"), embedder)
 *         .collection("tiered_memory_agent")
 *         .build();
 * TieredMemory store = TieredMemory.builder("agent").cold(cold).embedder(embedder).build();
 * }</pre>
 *
 * <p>The store is always searchable: {@link #vectorSearch()} is present and answers with one {@code
 * /query} (similarity = the cosine of the query and the record's vector: computed from the exact
 * floats for a memory with its own embedding, {@code 1 - cosine distance} for the others); a
 * filtered search over-fetches in rounds until enough memories pass the filter.
 *
 * <p>A {@code read} is one HTTP call; the access it records is buffered in process and written for
 * many keys at once, every {@link Builder#accessFlushInterval(Duration)}, on {@link #flush()} and
 * on {@link #close()}. {@link #peek} adds this process's unwritten reads to what the server holds.
 *
 * <p>Chroma has no transactions: every read-check-write of a key runs under a per-key lock of this
 * process, and the {@code TieredMemory}'s {@code KeyCoordinator} must serialise moves and deletes
 * across processes (conditional removals are still applied server-side with a {@code where} on the
 * version, so a newer version is never removed). Failed calls throw a {@link
 * io.tieredmemory.core.TieredMemoryException} naming the HTTP method, the path, the status and the
 * server's own error; header values and contents never appear in messages. See {@code
 * docs/backends/chroma.md} for the round trips of every operation.
 */
public interface ChromaTierStore extends TierStore {
  /**
   * The collection metadata key recording the {@link Embedder#id()} the collection is written with.
   */
  String EMBEDDER_KEY = "tm_embedder";

  /** The collection metadata key recording the dimension of the collection's embedder. */
  String DIMENSION_KEY = "tm_dimension";

  /** The name of the Chroma collection this store keeps its memories in. */
  String collection();

  /**
   * A builder for a store on the Chroma server at {@code baseUrl}, embedding content with {@code
   * embedder} (the same embedder must be used to query).
   *
   * @throws IllegalArgumentException if either is null, or if {@code baseUrl} is not an http(s) URL
   *     with a host and without user info, query or fragment
   */
  static Builder builder(URI baseUrl, Embedder embedder) {
    return new Builder(baseUrl, embedder);
  }

  /**
   * Configures a {@link ChromaTierStore}. Every setter fails fast with the field and the bad value
   * in its message; {@link #build()} connects, gets or creates the collection with the cosine
   * space, and fails clearly if an existing collection of that name has another space or dimension.
   *
   * <pre>{@code
   * ChromaTierStore cold =
   *     ChromaTierStore.builder(URI.create("http://127.0.0.1:8000"), Embedder.hashing())
   *         .tenant("default_tenant")            // default
   *         .database("default_database")        // default
   *         .collection("tiered_memory_agent")   // default
   *         .timeout(Duration.ofSeconds(10))     // default, per request
   *         .accessFlushInterval(Duration.ofSeconds(1))
   *         .build();
   * }</pre>
   */
  final class Builder {
    /** The default tenant. */
    public static final String DEFAULT_TENANT = "default_tenant";

    /** The default database. */
    public static final String DEFAULT_DATABASE = "default_database";

    /** The default collection name. */
    public static final String DEFAULT_COLLECTION = "tiered_memory_agent";

    private static final Pattern COLLECTION_NAME =
        Pattern.compile("[a-zA-Z0-9](?:[a-zA-Z0-9._-]{1,510})[a-zA-Z0-9]");

    private final URI baseUrl;
    private final Embedder embedder;
    private String tenant = DEFAULT_TENANT;
    private String database = DEFAULT_DATABASE;
    private String collection = DEFAULT_COLLECTION;
    private Duration timeout = Duration.ofSeconds(10);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration accessFlushInterval = Duration.ofSeconds(1);
    private Duration bytesCacheTtl = Duration.ofSeconds(30);
    private int maxBatchSize = Integer.MAX_VALUE;
    private final Map<String, String> headers = new LinkedHashMap<>();

    private Builder(URI baseUrl, Embedder embedder) {
      this.baseUrl = checkBaseUrl(baseUrl);
      this.embedder = Validation.requireNonNull("embedder", embedder);
    }

    /** The Chroma tenant (default {@value #DEFAULT_TENANT}); it must exist. */
    public Builder tenant(String tenant) {
      this.tenant = Validation.requireNonBlank("tenant", tenant);
      return this;
    }

    /** The Chroma database (default {@value #DEFAULT_DATABASE}); it must exist. */
    public Builder database(String database) {
      this.database = Validation.requireNonBlank("database", database);
      return this;
    }

    /**
     * The collection (default {@value #DEFAULT_COLLECTION}), created with the cosine space if
     * absent: 3-512 characters from {@code [a-zA-Z0-9._-]}, starting and ending with a letter or
     * digit (Chroma's rule). Use one collection per store: records of other writers are ignored.
     */
    public Builder collection(String collection) {
      this.collection = checkCollectionName(collection);
      return this;
    }

    /** The timeout of each HTTP request, until the response headers arrive (default 10 s). */
    public Builder timeout(Duration timeout) {
      this.timeout = Validation.requirePositive("timeout", timeout);
      return this;
    }

    /** The timeout to open a connection (default 5 s). */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = Validation.requirePositive("connectTimeout", connectTimeout);
      return this;
    }

    /** How often buffered access statistics are written out in the background (default 1 s). */
    public Builder accessFlushInterval(Duration interval) {
      this.accessFlushInterval = Validation.requirePositive("accessFlushInterval", interval);
      return this;
    }

    /**
     * How long {@link ChromaTierStore#bytes()} reuses its last scan when this store wrote nothing
     * meanwhile (default 30 s). Each scan reads every record's metadata.
     */
    public Builder bytesCacheTtl(Duration ttl) {
      this.bytesCacheTtl = Validation.requirePositive("bytesCacheTtl", ttl);
      return this;
    }

    /**
     * An upper bound on records per request, below the server's advertised {@code max_batch_size}
     * (default: the server's), e.g. to keep requests with large contents small.
     */
    public Builder maxBatchSize(int maxBatchSize) {
      this.maxBatchSize = Validation.requireAtLeast("maxBatchSize", maxBatchSize, 1);
      return this;
    }

    /**
     * A header sent with every request, e.g. a token for a server that requires one. Header values
     * never appear in messages, logs or {@code toString()}.
     */
    public Builder header(String name, String value) {
      Validation.requireNonBlank("header name", name);
      Validation.requireNonNull("header value", value);
      // Fail here, not on the first request, for names the HTTP client refuses (Host,
      // Connection...).
      HttpRequest.newBuilder(URI.create("http://localhost/")).header(name, "x");
      headers.put(name, value);
      return this;
    }

    /**
     * Connects, fetches the server's batch limit, gets or creates the collection, and starts the
     * store's flusher thread.
     *
     * <p>The collection records the embedder it is written with: a collection this store creates
     * gets its embedder's {@link Embedder#id() id} and {@link Embedder#dimension() dimension} in
     * its metadata ({@code tm_embedder}, {@code tm_dimension}); a collection created before this
     * record existed gets them added now (its other metadata kept). Opening a collection whose
     * record names another embedder or dimension fails: its vectors would be compared with vectors
     * of another space.
     *
     * @throws io.tieredmemory.core.TieredMemoryException if the server cannot be reached or refuses
     * @throws IllegalStateException if the collection exists with another space or dimension, or
     *     was written with another embedder (the message names the collection, the recorded
     *     embedder and this one)
     */
    public ChromaTierStore build() {
      ChromaClient client =
          new ChromaClient(
              new ChromaHttp(baseUrl, connectTimeout, timeout, headers),
              tenant,
              database,
              maxBatchSize);
      ChromaClient.CollectionInfo info =
          client.getOrCreateCollection(collection, "cosine", embedderRecord(null));
      if (!"cosine".equals(info.space())) {
        throw new IllegalStateException(
            "collection '"
                + collection
                + "' already exists with distance space '"
                + info.space()
                + "', but the COLD tier needs 'cosine' (similarity = 1 - distance); choose another"
                + " collection name or delete that collection");
      }
      checkEmbedderRecord(info);
      if (info.dimension() != null && info.dimension() != embedder.dimension()) {
        throw new IllegalStateException(
            "collection '"
                + collection
                + "' holds "
                + info.dimension()
                + "-dimensional embeddings, but the embedder gives "
                + embedder.dimension()
                + "; use the embedder it was written with or another collection");
      }
      adoptUnrecorded(client, info);
      client.maxBatchSize(); // fetched now so that no later read pays for it
      return new DefaultChromaTierStore(
          client,
          info.id(),
          collection,
          description(),
          embedder,
          accessFlushInterval,
          bytesCacheTtl);
    }

    /** {@code base}'s keys (none when null) with this store's embedder record. */
    private ObjectNode embedderRecord(@Nullable ObjectNode base) {
      ObjectNode meta = base == null ? JsonNodeFactory.instance.objectNode() : base.deepCopy();
      meta.put(EMBEDDER_KEY, embedder.id());
      meta.put(DIMENSION_KEY, embedder.dimension());
      return meta;
    }

    /** Whether the collection has no embedder record (created before it existed, or by others). */
    private static boolean unrecorded(ChromaClient.CollectionInfo info) {
      ObjectNode meta = info.metadata();
      return meta == null || (!meta.has(EMBEDDER_KEY) && !meta.has(DIMENSION_KEY));
    }

    /**
     * Records this store's embedder in a collection that has no record, once every check passed (so
     * a failed build never records a wrong embedder). If the server refuses to update the metadata,
     * the collection is used unrecorded.
     */
    private void adoptUnrecorded(ChromaClient client, ChromaClient.CollectionInfo info) {
      if (!unrecorded(info)) {
        return;
      }
      try {
        client.modifyCollectionMetadata(info.id(), embedderRecord(info.metadata()));
      } catch (ChromaException e) {
        if (e.status() / 100 != 4) {
          throw e;
        }
        // Refused (e.g. legacy keys the server no longer accepts): adopted without a record.
      }
    }

    /** Fails if the collection records another embedder or dimension than this store's. */
    private void checkEmbedderRecord(ChromaClient.CollectionInfo info) {
      ObjectNode meta = info.metadata();
      if (meta == null || unrecorded(info)) {
        return;
      }
      JsonNode recordedId = meta.get(EMBEDDER_KEY);
      JsonNode recordedDimension = meta.get(DIMENSION_KEY);
      String id = recordedId == null ? "(none)" : recordedId.asText();
      String dimension = recordedDimension == null ? "(none)" : recordedDimension.asText();
      if (!id.equals(embedder.id()) || !dimension.equals(String.valueOf(embedder.dimension()))) {
        throw new IllegalStateException(
            "collection '"
                + collection
                + "' was written with embedder '"
                + id
                + "' ("
                + EMBEDDER_KEY
                + ", "
                + dimension
                + " dimensions in "
                + DIMENSION_KEY
                + "), but this store's embedder is '"
                + embedder.id()
                + "' ("
                + embedder.dimension()
                + " dimensions): vectors of two embedders cannot be compared. Build the store"
                + " with the recorded embedder, use another collection, or re-embed the records"
                + " into a new collection with this embedder");
      }
    }

    /** Where the store is: URL, tenant, database and collection (no header). */
    private String description() {
      return "url="
          + baseUrl
          + ", tenant="
          + tenant
          + ", database="
          + database
          + ", collection="
          + collection;
    }

    /** The configuration, with header names but never their values. */
    @Override
    public String toString() {
      return "ChromaTierStore.Builder["
          + description()
          + ", embedder="
          + embedder
          + ", timeout="
          + timeout
          + ", connectTimeout="
          + connectTimeout
          + ", accessFlushInterval="
          + accessFlushInterval
          + ", bytesCacheTtl="
          + bytesCacheTtl
          + ", maxBatchSize="
          + (maxBatchSize == Integer.MAX_VALUE ? "server's" : String.valueOf(maxBatchSize))
          + ", headers="
          + headers.keySet()
          + "]";
    }

    /**
     * Checks a collection name against Chroma's rule.
     *
     * @throws IllegalArgumentException naming {@code collection} and the value otherwise
     */
    static String checkCollectionName(String name) {
      if (name == null) {
        throw new IllegalArgumentException("collection must not be null");
      }
      if (!COLLECTION_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "collection must be 3-512 characters from [a-zA-Z0-9._-], starting and ending with a"
                + " letter or digit, was "
                + shown(name));
      }
      return name;
    }

    /** A name for a message: quoted, control characters escaped, abbreviated past 64 chars. */
    private static String shown(String s) {
      StringBuilder b = new StringBuilder("'");
      int n = Math.min(s.length(), 64);
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        b.append(
            Character.isISOControl(c) || Character.isSurrogate(c)
                ? String.format("\\u%04X", (int) c)
                : String.valueOf(c));
      }
      return b.append(s.length() > n ? "...' (" + s.length() + " chars)" : "'").toString();
    }

    private static URI checkBaseUrl(URI url) {
      Validation.requireNonNull("baseUrl", url);
      if (url.getUserInfo() != null) {
        // The value is left out on purpose: user info is a credential.
        throw new IllegalArgumentException(
            "baseUrl must not contain user info; send credentials with header(name, value)");
      }
      if (url.getRawQuery() != null || url.getRawFragment() != null) {
        // The value is left out: a query may carry a token. Checked before anything that would
        // quote the URL.
        throw new IllegalArgumentException("baseUrl must have no query or fragment");
      }
      String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException("baseUrl must be an http or https URL, was " + url);
      }
      if (url.getHost() == null) {
        throw new IllegalArgumentException("baseUrl must name a host, was " + url);
      }
      return url;
    }
  }
}
