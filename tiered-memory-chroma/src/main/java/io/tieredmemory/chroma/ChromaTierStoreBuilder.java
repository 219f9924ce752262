package io.tieredmemory.chroma;

import io.tieredmemory.core.internal.Validation;
import io.tieredmemory.core.spi.Embedder;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Configures a {@link ChromaTierStore}. Every setter fails fast with the field and the bad value in
 * its message; {@link #build()} connects, gets or creates the collection with the cosine space, and
 * fails clearly if an existing collection of that name has another space or dimension.
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
public final class ChromaTierStoreBuilder {
  private static final Pattern COLLECTION_NAME =
      Pattern.compile("[a-zA-Z0-9](?:[a-zA-Z0-9._-]{1,510})[a-zA-Z0-9]");

  private final URI baseUrl;
  private final Embedder embedder;
  private String tenant = "default_tenant";
  private String database = "default_database";
  private String collection = "tiered_memory_agent";
  private Duration timeout = Duration.ofSeconds(10);
  private Duration connectTimeout = Duration.ofSeconds(5);
  private Duration accessFlushInterval = Duration.ofSeconds(1);
  private Duration bytesCacheTtl = Duration.ofSeconds(30);
  private int maxBatchSize = Integer.MAX_VALUE;
  private final Map<String, String> headers = new LinkedHashMap<>();

  ChromaTierStoreBuilder(URI baseUrl, Embedder embedder) {
    this.baseUrl = checkBaseUrl(baseUrl);
    this.embedder = Validation.requireNonNull("embedder", embedder);
  }

  /** The Chroma tenant (default {@code default_tenant}); it must exist. */
  public ChromaTierStoreBuilder tenant(String tenant) {
    this.tenant = Validation.requireNonBlank("tenant", tenant);
    return this;
  }

  /** The Chroma database (default {@code default_database}); it must exist. */
  public ChromaTierStoreBuilder database(String database) {
    this.database = Validation.requireNonBlank("database", database);
    return this;
  }

  /**
   * The collection (default {@code tiered_memory_agent}), created with the cosine space if absent:
   * 3-512 characters from {@code [a-zA-Z0-9._-]}, starting and ending with a letter or digit
   * (Chroma's rule). Use one collection per store: records of other writers are ignored.
   */
  public ChromaTierStoreBuilder collection(String collection) {
    this.collection = checkCollectionName(collection);
    return this;
  }

  /** The timeout of each HTTP request, until the response headers arrive (default 10 s). */
  public ChromaTierStoreBuilder timeout(Duration timeout) {
    this.timeout = Validation.requirePositive("timeout", timeout);
    return this;
  }

  /** The timeout to open a connection (default 5 s). */
  public ChromaTierStoreBuilder connectTimeout(Duration connectTimeout) {
    this.connectTimeout = Validation.requirePositive("connectTimeout", connectTimeout);
    return this;
  }

  /** How often buffered access statistics are written out in the background (default 1 s). */
  public ChromaTierStoreBuilder accessFlushInterval(Duration interval) {
    this.accessFlushInterval = Validation.requirePositive("accessFlushInterval", interval);
    return this;
  }

  /**
   * How long {@link ChromaTierStore#bytes()} reuses its last scan when this store wrote nothing
   * meanwhile (default 30 s). Each scan reads every record's metadata.
   */
  public ChromaTierStoreBuilder bytesCacheTtl(Duration ttl) {
    this.bytesCacheTtl = Validation.requirePositive("bytesCacheTtl", ttl);
    return this;
  }

  /**
   * An upper bound on records per request, below the server's advertised {@code max_batch_size}
   * (default: the server's), e.g. to keep requests with large contents small.
   */
  public ChromaTierStoreBuilder maxBatchSize(int maxBatchSize) {
    this.maxBatchSize = Validation.requireAtLeast("maxBatchSize", maxBatchSize, 1);
    return this;
  }

  /**
   * A header sent with every request, e.g. a token for a server that requires one. Header values
   * never appear in messages, logs or {@code toString()}.
   */
  public ChromaTierStoreBuilder header(String name, String value) {
    Validation.requireNonBlank("header name", name);
    Validation.requireNonNull("header value", value);
    // Fail here, not on the first request, for names the HTTP client refuses (Host, Connection...).
    HttpRequest.newBuilder(URI.create("http://localhost/")).header(name, "x");
    headers.put(name, value);
    return this;
  }

  /**
   * Connects, fetches the server's batch limit, and gets or creates the collection.
   *
   * @throws ChromaException if the server cannot be reached or refuses
   * @throws IllegalStateException if the collection exists with another space or dimension
   */
  public ChromaTierStore build() {
    ChromaClient client =
        new ChromaClient(baseUrl, tenant, database, connectTimeout, timeout, headers, maxBatchSize);
    ChromaClient.CollectionInfo info = client.getOrCreateCollection(collection, "cosine");
    if (!"cosine".equals(info.space())) {
      throw new IllegalStateException(
          "collection '"
              + collection
              + "' already exists with distance space '"
              + info.space()
              + "', but the COLD tier needs 'cosine' (similarity = 1 - distance); choose another"
              + " collection name or delete that collection");
    }
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
    client.maxBatchSize(); // fetched now so that no later read pays for it
    String description =
        "url="
            + baseUrl
            + ", tenant="
            + tenant
            + ", database="
            + database
            + ", collection="
            + collection;
    return new ChromaTierStore(
        client,
        info.id(),
        description,
        embedder,
        accessFlushInterval.toMillis(),
        bytesCacheTtl.toNanos());
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
