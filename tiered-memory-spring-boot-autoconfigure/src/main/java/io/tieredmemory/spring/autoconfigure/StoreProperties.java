package io.tieredmemory.spring.autoconfigure;

import io.tieredmemory.core.ReadMoves;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one store: its sweeps, its policy and where each tier lives. The top level of
 * {@code tiered-memory.*} is one of these (the default store); each {@code
 * tiered-memory.stores.<name>.*} is another, starting from the top level's values.
 */
public class StoreProperties {

  /** How often the store sweeps in the background (demotions, archives, clean-up). */
  private Duration sweepEvery = Duration.ofMinutes(1);

  /** Reads of a WARM memory within promote-window that promote it to HOT. */
  private int promoteAfterReads = 3;

  /** The window in which promote-after-reads reads must fall. */
  private Duration promoteWindow = Duration.ofMinutes(10);

  /** A HOT memory not read for this long is demoted to WARM by the next sweep. */
  private Duration demoteWhenIdle = Duration.ofMinutes(30);

  /** How many memories HOT may hold after a sweep (least recently read demoted first). */
  private long hotCapacity = 10_000;

  /**
   * A WARM memory not read for this long is archived to COLD by the next sweep; at least
   * demote-when-idle.
   */
  private Duration archiveWhenIdle = Duration.ofDays(7);

  /** The HOT tier. */
  private final Hot hot = new Hot();

  /** The WARM tier, the system of record. */
  private final Warm warm = new Warm();

  /** The COLD tier, the archive with semantic search. */
  private final Cold cold = new Cold();

  /** Each memory's history (TieredMemory.history(key)), kept in WARM. */
  private final History history = new History();

  /** How memories are sorted into kinds of knowledge (a kind tag on gauges and movements). */
  private final KindsOptions kinds = new KindsOptions();

  /**
   * Whether recall events carry each search's query text (content: off by default; a decision feed
   * shows it only when it is also asked to).
   */
  private boolean recordQueryText;

  /**
   * Where the moves that reads cause (promotion, rehydration), and a put's copy into a remote HOT
   * tier, are made: {@code auto} (on the calling thread when every tier is in process, else in the
   * background), {@code caller} (before the get or put returns) or {@code background} (after it
   * returned, on the store's own threads).
   */
  private ReadMoves readMoves = ReadMoves.AUTO;

  public Duration getSweepEvery() {
    return sweepEvery;
  }

  public void setSweepEvery(Duration sweepEvery) {
    this.sweepEvery = sweepEvery;
  }

  public int getPromoteAfterReads() {
    return promoteAfterReads;
  }

  public void setPromoteAfterReads(int promoteAfterReads) {
    this.promoteAfterReads = promoteAfterReads;
  }

  public Duration getPromoteWindow() {
    return promoteWindow;
  }

  public void setPromoteWindow(Duration promoteWindow) {
    this.promoteWindow = promoteWindow;
  }

  public Duration getDemoteWhenIdle() {
    return demoteWhenIdle;
  }

  public void setDemoteWhenIdle(Duration demoteWhenIdle) {
    this.demoteWhenIdle = demoteWhenIdle;
  }

  public long getHotCapacity() {
    return hotCapacity;
  }

  public void setHotCapacity(long hotCapacity) {
    this.hotCapacity = hotCapacity;
  }

  public Duration getArchiveWhenIdle() {
    return archiveWhenIdle;
  }

  public void setArchiveWhenIdle(Duration archiveWhenIdle) {
    this.archiveWhenIdle = archiveWhenIdle;
  }

  public Hot getHot() {
    return hot;
  }

  public Warm getWarm() {
    return warm;
  }

  public Cold getCold() {
    return cold;
  }

  public History getHistory() {
    return history;
  }

  public KindsOptions getKinds() {
    return kinds;
  }

  public ReadMoves getReadMoves() {
    return readMoves;
  }

  public void setReadMoves(ReadMoves readMoves) {
    this.readMoves = readMoves;
  }

  public boolean isRecordQueryText() {
    return recordQueryText;
  }

  public void setRecordQueryText(boolean recordQueryText) {
    this.recordQueryText = recordQueryText;
  }

  /**
   * Kinds of knowledge ({@code TieredMemory.Builder.kinds}): by a metadata field or by a key prefix
   * (one of the two), capped; none by default.
   */
  public static class KindsOptions {
    /** The metadata field that names a memory's kind, e.g. {@code kind}. */
    private @Nullable String metadataField;

    /** The delimiter ending a key's kind prefix, e.g. {@code :} for {@code profile:42}. */
    private @Nullable String keyDelimiter;

    /** The most kinds tagged (the rest are {@code other}); 1 to 100, 20 when unset. */
    private @Nullable Integer max;

    /** A fixed list of kinds instead of the largest ones (the rest are {@code other}). */
    private List<String> only = new ArrayList<>();

    public @Nullable String getMetadataField() {
      return metadataField;
    }

    public void setMetadataField(@Nullable String metadataField) {
      this.metadataField = metadataField;
    }

    public @Nullable String getKeyDelimiter() {
      return keyDelimiter;
    }

    public void setKeyDelimiter(@Nullable String keyDelimiter) {
      this.keyDelimiter = keyDelimiter;
    }

    public @Nullable Integer getMax() {
      return max;
    }

    public void setMax(@Nullable Integer max) {
      this.max = max;
    }

    public List<String> getOnly() {
      return only;
    }

    public void setOnly(List<String> only) {
      this.only = only;
    }
  }

  /**
   * Each memory's history ({@code TieredMemory.history(key)}, {@code <live view>/history}): where
   * it lives and every put, move and delete, kept in WARM, written off the request path.
   */
  public static class History {
    /** Whether to keep each memory's history in WARM. Off by default. */
    private boolean enabled;

    /** History entries older than this are removed by sweeps; 1m to 3650d. */
    private Duration retention = Duration.ofDays(30);

    /** The most history entries kept per key, the newest; 1 to 10000. */
    private int perKey = 100;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Duration getRetention() {
      return retention;
    }

    public void setRetention(Duration retention) {
      this.retention = retention;
    }

    public int getPerKey() {
      return perKey;
    }

    public void setPerKey(int perKey) {
      this.perKey = perKey;
    }
  }

  /** Where HOT lives. */
  public enum HotBackend {
    /** In the JVM's heap (the default). */
    IN_PROCESS,
    /** On Redis, through Jedis 8. */
    REDIS
  }

  /** Where WARM lives. */
  public enum WarmBackend {
    /** In the JVM's heap (the default): lost when the application stops. */
    IN_PROCESS,
    /** In a PostgreSQL table, through the application's {@code DataSource}. */
    POSTGRES
  }

  /** Where COLD lives. */
  public enum ColdBackend {
    /** In the JVM's heap (the default), searched by brute force. */
    IN_PROCESS,
    /** In a Chroma collection, searched by Chroma. */
    CHROMA
  }

  /** The HOT tier: {@code in-process} or {@code redis}. */
  public static class Hot {
    /** Where HOT lives: in-process or redis. */
    private HotBackend backend = HotBackend.IN_PROCESS;

    /** Redis settings, used when backend is redis. */
    private final Redis redis = new Redis();

    public HotBackend getBackend() {
      return backend;
    }

    public void setBackend(HotBackend backend) {
      this.backend = backend;
    }

    public Redis getRedis() {
      return redis;
    }
  }

  /** HOT on Redis. */
  public static class Redis {
    /**
     * Redis URL, such as redis://user:secret@host:6379/0 (rediss:// for TLS). Defaults to Spring
     * Boot's spring.data.redis.url, else one built from spring.data.redis.host, port, username,
     * password, database and ssl.enabled, else redis://localhost:6379.
     */
    private @Nullable String url;

    /** Prefix of the store's Redis keys. Defaults to "tm:", the store's name and ":". */
    private @Nullable String prefix;

    /** Expiry of each HOT copy in Redis; none when unset (the sweeps demote idle copies). */
    private @Nullable Duration ttl;

    public @Nullable String getUrl() {
      return url;
    }

    public void setUrl(@Nullable String url) {
      this.url = url;
    }

    public @Nullable String getPrefix() {
      return prefix;
    }

    public void setPrefix(@Nullable String prefix) {
      this.prefix = prefix;
    }

    public @Nullable Duration getTtl() {
      return ttl;
    }

    public void setTtl(@Nullable Duration ttl) {
      this.ttl = ttl;
    }
  }

  /** The WARM tier: {@code in-process} or {@code postgres}. */
  public static class Warm {
    /** Where WARM lives: in-process or postgres. */
    private WarmBackend backend = WarmBackend.IN_PROCESS;

    /** PostgreSQL settings, used when backend is postgres. */
    private final Postgres postgres = new Postgres();

    public WarmBackend getBackend() {
      return backend;
    }

    public void setBackend(WarmBackend backend) {
      this.backend = backend;
    }

    public Postgres getPostgres() {
      return postgres;
    }
  }

  /** WARM on PostgreSQL, through the application's {@code DataSource} bean. */
  public static class Postgres {
    /**
     * Table of the store's memories, in the connection's current schema. Defaults to
     * "tiered_memory" for the one store, and to "tiered_memory_" followed by the name (lower-case,
     * other characters than letters and digits as '_') for each of several named stores.
     */
    private @Nullable String table;

    /** Whether the store creates (and migrates) its table and indexes at startup. */
    private boolean createSchema = true;

    /**
     * Whether writes and moves of one key are serialized across every instance of the service
     * (PostgreSQL advisory locks in the store's namespace), not only within this JVM. Keep it on
     * when several instances share the table.
     */
    private boolean coordinate = true;

    /**
     * Whether WARM is searched too (with the store's embedder: writers' embeddings exactly, other
     * memories by full-text candidates), as in process; needed by the LangChain4j and Spring AI
     * vector stores. The table then records the embedder.
     */
    private boolean searchable = true;

    public boolean isSearchable() {
      return searchable;
    }

    public void setSearchable(boolean searchable) {
      this.searchable = searchable;
    }

    public @Nullable String getTable() {
      return table;
    }

    public void setTable(@Nullable String table) {
      this.table = table;
    }

    public boolean isCreateSchema() {
      return createSchema;
    }

    public void setCreateSchema(boolean createSchema) {
      this.createSchema = createSchema;
    }

    public boolean isCoordinate() {
      return coordinate;
    }

    public void setCoordinate(boolean coordinate) {
      this.coordinate = coordinate;
    }
  }

  /** The COLD tier: {@code in-process} or {@code chroma}. */
  public static class Cold {
    /** Where COLD lives: in-process or chroma. */
    private ColdBackend backend = ColdBackend.IN_PROCESS;

    /** Chroma settings, used when backend is chroma. */
    private final Chroma chroma = new Chroma();

    public ColdBackend getBackend() {
      return backend;
    }

    public void setBackend(ColdBackend backend) {
      this.backend = backend;
    }

    public Chroma getChroma() {
      return chroma;
    }
  }

  /** COLD on a Chroma server (API v2). */
  public static class Chroma {
    /** Base URL of the Chroma server. */
    private String url = "http://localhost:8000";

    /** Collection of the store's archive. Defaults to "tiered_memory_" followed by the name. */
    private @Nullable String collection;

    /** Chroma tenant. */
    private String tenant = "default_tenant";

    /** Chroma database. */
    private String database = "default_database";

    /** Timeout of each request to Chroma. */
    private Duration timeout = Duration.ofSeconds(10);

    public String getUrl() {
      return url;
    }

    public void setUrl(String url) {
      this.url = url;
    }

    public @Nullable String getCollection() {
      return collection;
    }

    public void setCollection(@Nullable String collection) {
      this.collection = collection;
    }

    public String getTenant() {
      return tenant;
    }

    public void setTenant(String tenant) {
      this.tenant = tenant;
    }

    public String getDatabase() {
      return database;
    }

    public void setDatabase(String database) {
      this.database = database;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }
  }
}
