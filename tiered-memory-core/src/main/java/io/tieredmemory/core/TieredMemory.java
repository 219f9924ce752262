package io.tieredmemory.core;

import io.tieredmemory.core.internal.Validation;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.EventLog;
import io.tieredmemory.core.spi.KeyCoordinator;
import io.tieredmemory.core.spi.TierObserver;
import io.tieredmemory.core.spi.TierStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A hot/warm/cold memory store. Writes go to WARM (the durable system of record) and then HOT;
 * reads look in HOT, then WARM, then COLD; a policy promotes, demotes, archives and rehydrates
 * memories, and every request, backend call and movement is reported to observers.
 *
 * <pre>{@code
 * try (TieredMemory memory = TieredMemory.builder("agent").build()) {   // in-process tiers
 *   memory.put("user:42:lang", "Prefers answers in French", Map.of("source", "chat"));
 *   memory.get("user:42:lang").ifPresent(m -> System.out.println(m.content()));
 *   for (SearchHit hit : memory.search("which language does the user like", 3)) {
 *     System.out.println(hit.similarity() + " " + hit.memory().key());
 *   }
 *   SweepResult moved = memory.sweep();   // demote / archive now
 * }
 * }</pre>
 *
 * <p>Implementations are thread-safe. Operations after {@link #close()} throw {@link
 * IllegalStateException}.
 */
public interface TieredMemory extends AutoCloseable {

  /** Starts a builder for a store named {@code name} (letters, digits, {@code . _ -}; 1-64). */
  static Builder builder(String name) {
    return new Builder(name);
  }

  /** The configured store name, used as the {@code store} tag of every metric. */
  String name();

  /** The policy in force. */
  TieringPolicy policy();

  /** What the store shows of one tier: its kind, whether it is remote or searchable, its count. */
  TierView tier(Tier tier);

  /** The clock the store and its policy read. */
  Clock clock();

  /**
   * The embedder that searches embed query text with, and content written without an embedding of
   * its own; an embedding a write supplies must have its {@link Embedder#dimension() dimension}.
   */
  Embedder embedder();

  /**
   * Stores a new version of {@code key}: durably in WARM, then in HOT. Runs under the key's lock
   * (the {@link KeyCoordinator}'s), after removing HOT's old copy.
   *
   * @return the stored memory, with its new version
   * @throws IllegalArgumentException if key or content break the {@link MemoryLimits}
   * @throws TieredMemoryException if WARM failed (nothing acknowledged)
   */
  default Memory put(String key, String content) {
    return put(key, content, Map.of());
  }

  /**
   * Stores a new version of {@code key} with metadata.
   *
   * @see #put(String, String)
   */
  Memory put(String key, String content, Map<String, String> metadata);

  /**
   * Stores a new version of {@code write.key()}, with its metadata and, when it has one, the
   * writer's own embedding (kept with the memory in every tier; searches rank the memory by it).
   *
   * @throws IllegalArgumentException if the write breaks the {@link MemoryLimits}, or its embedding
   *     has another dimension than the {@link #embedder()}'s or a value that is not finite
   * @see #put(String, String)
   */
  Memory put(MemoryWrite write);

  /**
   * Stores several memories. Each is validated before any is written; then each write is a {@code
   * put} of its own (not a transaction).
   */
  List<Memory> putAll(List<MemoryWrite> writes);

  /**
   * Reads {@code key} from HOT, then WARM, then COLD. A WARM read may promote the memory to HOT, a
   * COLD read moves it back to WARM, as the policy says.
   */
  Optional<Memory> get(String key);

  /**
   * Reads {@code key} as {@link #get(String)} does, and records it as a recall by {@code source}:
   * observers are told how many results each tier served ({@link TierObserver#recalled}) and, if
   * one wants events, get a {@link io.tieredmemory.core.event.TierEvent.Recalled Recalled} naming
   * the memory, its version and the tier that served it (or no result, for a miss). For reads that
   * hand knowledge to an agent, such as the chat memory adapters loading a conversation; a plain
   * {@code get} records no recall, since most gets are an application's own bookkeeping.
   *
   * @param source who recalls, e.g. {@link RecallSource#LANGCHAIN4J_CHAT}
   * @throws IllegalArgumentException if the key breaks the {@link MemoryLimits}, or {@code source}
   *     is not a valid label ({@link RecallSource#check})
   */
  Optional<Memory> get(String key, String source);

  /** Reads several keys; absent keys are left out of the result. */
  Map<String, Memory> getAll(Collection<String> keys);

  /**
   * Removes {@code key} from every tier. It takes effect when WARM forgets the key; an archived
   * copy left in COLD is never read again and goes with the next sweep.
   *
   * @return whether the memory existed (held in WARM, or archived)
   */
  boolean delete(String key);

  /**
   * The {@code k} memories most similar to {@code text}, most similar first, from every tier that
   * can search (COLD always; WARM in process). A memory held in two tiers appears once, with its
   * latest version. A search is not a read: it records no access, counts toward no promotion and
   * moves nothing back from COLD (a {@link #get} of a result does). Every search is recorded as a
   * recall ({@link TierObserver#recalled}, a {@link io.tieredmemory.core.event.TierEvent.Recalled
   * Recalled} event) by its {@link SearchRequest#source() source}, {@link RecallSource#API} here.
   */
  List<SearchHit> search(String text, int k);

  /**
   * The memories most similar to the request's vector (or its text, embedded by the {@link
   * #embedder()}), most similar first: at most {@code k}, each at least {@code minSimilarity}
   * similar and accepted by its filter. A memory written with its own embedding is ranked by it.
   * Same guarantees as {@link #search(String, int)}.
   *
   * <pre>{@code
   * memory.search(SearchRequest.vector(queryVector, 10)
   *     .withMinSimilarity(0.6)
   *     .withFilter(m -> "policy".equals(m.metadata().get("kind"))));
   * }</pre>
   *
   * @throws IllegalArgumentException if the request's vector has another dimension than the
   *     embedder's or a value that is not finite
   */
  List<SearchHit> search(SearchRequest request);

  /**
   * Runs one sweep now: drops stale copies, demotes idle and over-capacity HOT memories, archives
   * idle WARM memories. Safe to call while a scheduled sweep runs (they take turns).
   */
  SweepResult sweep();

  /**
   * What the next sweep would do now, and why, without moving or writing anything: each memory it
   * would demote or archive (key, version, from and to tier, reason, the decision in words such as
   * {@code "idle 31m"}), in the order the sweep moves them, the first {@code limit} listed, every
   * move counted by reason. The sweep plans its moves with the same code before making them, so
   * {@code plan(n)} followed by {@link #sweep()} at the same instant, with nothing else happening,
   * moves exactly the planned memories (HOT capacity demotions least recently read first, idle WARM
   * memories archived unless HOT holds them, the policy's {@code sweepBatchSize} and {@code
   * maxMovesPerSweep}, steps backing off after failures skipped).
   *
   * <p>No observer hears of a plan (no event, no metric, no backend call reported) and no access is
   * recorded; the tiers are only read ({@code peek}, {@code oldestAccessed}, counts, journal
   * notes), after writing out access statistics already buffered, as a sweep does first. It waits
   * for a sweep in progress. Costs about what a sweep's candidate reads cost: use it for status
   * pages, not per request.
   *
   * <pre>{@code
   * SweepPlan next = memory.plan(20);
   * next.total(MoveReason.WARM_IDLE);          // archives of the next sweep
   * next.moves().forEach(m -> System.out.println(m.key() + " " + m.from() + "->" + m.to()
   *     + " " + m.detail()));
   * }</pre>
   *
   * @param limit the most moves to list, 0 for totals only
   * @throws IllegalArgumentException if {@code limit} is negative
   */
  SweepPlan plan(int limit);

  /**
   * Where the memory {@code key} lives now, and how it got there: each put, promotion, demotion,
   * archive, rehydration, eviction and delete, oldest first, with its time, the instance that did
   * it, the version, from and to tier, the reason and the policy's inputs (reads in the window,
   * idle time, HOT fill). Kept in WARM ({@link TierStore#history()}), so every instance sharing the
   * tiers records into and reads the same history, and it survives restarts; at most {@link
   * Builder#historyPerKey} entries per key (the newest), none older than {@link
   * Builder#historyRetention}.
   *
   * <p>Entries are written to WARM in batches by a thread of the store's own; this call first
   * writes what this instance has queued, so it sees its own operations. An entry of another
   * instance appears once that instance has written it (within about {@code 50 ms}). An entry the
   * store could not queue (its queue full) is lost and counted by {@link #historyDropped()}.
   *
   * <pre>{@code
   * MemoryHistory h = memory.history("user:42:lang");
   * System.out.println("now in " + h.tier());
   * h.entries().forEach(e -> System.out.println(e.at() + " " + e.kind().label() + " " + e.detail()));
   * }</pre>
   *
   * @throws IllegalArgumentException if the key breaks the {@link MemoryLimits}
   * @throws UnsupportedOperationException if history is off ({@link Builder#history(boolean)}), or
   *     the WARM tier keeps none (the message names it)
   * @throws TieredMemoryException if WARM failed
   */
  MemoryHistory history(String key);

  /**
   * This instance's name ({@link Builder#instanceId}; by default host name and process id): it
   * names the instance in history entries and in the decisions a feed shows.
   */
  String instanceId();

  /**
   * The durable log of decisions kept by the WARM tier ({@code TierStore.eventLog()}: a table in
   * PostgreSQL, a list in an in-process tier), shared by every instance on that tier: a durable
   * decision feed ({@code DecisionFeed.Builder.durable}) writes its decisions there and replays
   * them from there, so that a reconnecting client ({@code Last-Event-ID}) misses nothing and
   * instances behind a load balancer show one story. Empty when WARM keeps none.
   */
  Optional<EventLog> eventLog();

  /**
   * History entries this instance lost since it was built: its queue was full, or WARM kept failing
   * longer than the queue could hold (each lost entry is counted once). 0 when history is off.
   */
  long historyDropped();

  /**
   * Moves that reads caused, and HOT copies that puts left, which this instance did not make since
   * it was built: with {@link ReadMoves#BACKGROUND} moves, {@link Builder#MAX_PENDING_READ_MOVES}
   * keys were already waiting (or the executor given to {@link
   * Builder#readMoves(java.util.concurrent.Executor)} refused). Nothing is lost: the memory stays
   * where it was (in WARM, for a put), is served from there, and later reads move it. Always 0 when
   * moves are made on the calling thread.
   */
  long readMovesDropped();

  /**
   * An immutable snapshot of what each tier holds. May call remote tiers; do not call per request.
   */
  StoreStats stats();

  /**
   * How this store sorts memories into kinds of knowledge ({@link Builder#kinds}), or empty when it
   * does not (the default: no {@code kind} anywhere).
   */
  Optional<Kinds> kinds();

  /**
   * What each tier holds of each kind, counted exactly by the tiers ({@code TierStore.countByKind}:
   * a {@code GROUP BY} in PostgreSQL, a scan of HOT's keys in Redis, a paged read of metadata in
   * Chroma), folded into the store's capped set of kind labels. Costs a scan of each tier: for
   * status pages and the metrics binding's background refresh, not per request.
   *
   * @throws IllegalStateException if the store has no {@linkplain Builder#kinds kinds}
   */
  KindStats kindStats();

  /**
   * Stops scheduled sweeps and the store's clock thread, flushes buffered statistics, closes the
   * tiers and tells every observer it is {@linkplain TierObserver#detached detached}.
   */
  @Override
  void close();

  /**
   * Builds a {@link TieredMemory}. Every setter validates its argument and throws {@link
   * IllegalArgumentException} naming it.
   */
  final class Builder {
    /**
     * Sweeps run this often unless {@link #sweepEvery} or {@link #disableScheduledSweeps} say
     * otherwise.
     */
    public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofMinutes(1);

    /** History entries older than this are removed by sweeps unless {@link #historyRetention}. */
    public static final Duration DEFAULT_HISTORY_RETENTION = Duration.ofDays(30);

    /** The entries kept per key unless {@link #historyPerKey} says otherwise. */
    public static final int DEFAULT_HISTORY_PER_KEY = 100;

    /** The history entries an instance queues for WARM unless {@link #historyQueue}. */
    public static final int DEFAULT_HISTORY_QUEUE = 10_000;

    /**
     * The most keys whose move, caused by a read, waits to be made off the reading thread ({@link
     * ReadMoves#BACKGROUND}); beyond it a move is dropped and counted ({@link
     * TieredMemory#readMovesDropped()}).
     */
    public static final int MAX_PENDING_READ_MOVES = 10_000;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9_.:@-]{1,128}");

    final String name;
    @Nullable TierStore hot;
    @Nullable TierStore warm;
    @Nullable TierStore cold;
    TieringPolicy policy = TieringPolicy.defaults();
    Clock clock = Clock.systemUTC();
    Embedder embedder = Embedder.hashing();
    MemoryLimits limits = MemoryLimits.defaults();
    @Nullable Duration sweepInterval = DEFAULT_SWEEP_INTERVAL;
    @Nullable KeyCoordinator coordinator;
    @Nullable Kinds kinds;
    boolean discoverObservers = true;
    boolean recordQueryText;
    @Nullable Supplier<@Nullable String> traceIds;
    final List<TierObserver> observers = new ArrayList<>();
    boolean history;
    Duration historyRetention = DEFAULT_HISTORY_RETENTION;
    int historyPerKey = DEFAULT_HISTORY_PER_KEY;
    int historyQueue = DEFAULT_HISTORY_QUEUE;
    @Nullable String instanceId;
    ReadMoves readMoves = ReadMoves.AUTO;
    @Nullable Executor readMovesExecutor;

    Builder(String name) {
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "name must be 1-64 letters, digits, '.', '_' or '-', was "
                + (name == null ? "null" : "'" + name + "'"));
      }
      this.name = name;
    }

    /** The HOT tier backend (default: in process). */
    public Builder hot(TierStore store) {
      this.hot = Validation.requireNonNull("hot", store);
      return this;
    }

    /** The WARM tier backend (default: in process). */
    public Builder warm(TierStore store) {
      this.warm = Validation.requireNonNull("warm", store);
      return this;
    }

    /** The COLD tier backend (default: in process, searchable with the embedder). */
    public Builder cold(TierStore store) {
      this.cold = Validation.requireNonNull("cold", store);
      return this;
    }

    /** The tiering policy (default: {@link TieringPolicy#defaults()}). */
    public Builder policy(TieringPolicy policy) {
      this.policy = Validation.requireNonNull("policy", policy);
      return this;
    }

    /** The clock for timestamps and policy decisions (default: system UTC). */
    public Builder clock(Clock clock) {
      this.clock = Validation.requireNonNull("clock", clock);
      return this;
    }

    /**
     * The embedder for search queries and in-process tiers (default: {@link Embedder#hashing()}).
     */
    public Builder embedder(Embedder embedder) {
      this.embedder = Validation.requireNonNull("embedder", embedder);
      return this;
    }

    /** Limits on keys, content and metadata (default: {@link MemoryLimits#defaults()}). */
    public Builder limits(MemoryLimits limits) {
      this.limits = Validation.requireNonNull("limits", limits);
      return this;
    }

    /**
     * Sweep in the background every {@code interval} (default: {@link #DEFAULT_SWEEP_INTERVAL}).
     * Write-through puts fill HOT, and only sweeps bring it back under its capacity, so a store
     * without scheduled sweeps must be swept by its owner.
     */
    public Builder sweepEvery(Duration interval) {
      Validation.requirePositive("sweepEvery", interval);
      if (interval.compareTo(Duration.ofMillis(1)) < 0
          || interval.compareTo(Duration.ofDays(365)) > 0) {
        throw new IllegalArgumentException(
            "sweepEvery must be between 1ms and 365d, was " + interval);
      }
      this.sweepInterval = interval;
      return this;
    }

    /**
     * No background sweeps: memories move only when {@link TieredMemory#sweep()} is called (tests
     * on a manual clock, or a service that schedules sweeps itself).
     */
    public Builder disableScheduledSweeps() {
      this.sweepInterval = null;
      return this;
    }

    /**
     * What serialises every write and move of a key, across processes sharing the tiers (default: a
     * new {@link KeyCoordinator#inProcess()}, enough for one process). Closed with the store.
     */
    public Builder coordinator(KeyCoordinator coordinator) {
      this.coordinator = Validation.requireNonNull("coordinator", coordinator);
      return this;
    }

    /**
     * Sorts memories into kinds of knowledge (default: none): a {@code kind} tag on the item and
     * byte gauges and the movement counter of {@code tiered-memory-metrics}, {@link
     * TieredMemory#kindStats()}, the live view's kinds table. The kinds are capped ({@link
     * Kinds#max}, at most {@value Kinds#MAX_LIMIT}), so the number of series stays bounded whatever
     * the data.
     */
    public Builder kinds(Kinds kinds) {
      this.kinds = Validation.requireNonNull("kinds", kinds);
      return this;
    }

    /**
     * Attaches an observer: metrics ({@code TieredMemoryMetrics.of(registry)}), a decision feed,
     * {@code TierObserver.events(consumer)}, your own. May be called several times; see {@link
     * TierObserver} for what each is told.
     */
    public Builder observer(TierObserver observer) {
      observers.add(Validation.requireNonNull("observer", observer));
      return this;
    }

    /**
     * Whether to attach the observers that {@link TierObserver.Provider}s found with {@link
     * java.util.ServiceLoader} make (default: true; how adding {@code tiered-memory-metrics} is
     * enough to get metrics). A discovered observer of the same class as one given to {@link
     * #observer} is left out.
     */
    public Builder discoverObservers(boolean enabled) {
      this.discoverObservers = enabled;
      return this;
    }

    /**
     * Whether to keep each memory's history ({@link TieredMemory#history}) in WARM (default:
     * false). When on, every put, move, eviction and delete queues one entry (under the key's lock,
     * without waiting) that a thread of the store's own writes to WARM in batches; reads that move
     * nothing record nothing. A WARM tier without a {@link TierStore#history() history log} records
     * none.
     */
    public Builder history(boolean enabled) {
      this.history = enabled;
      return this;
    }

    /**
     * How long history entries are kept (default: {@link #DEFAULT_HISTORY_RETENTION}); sweeps
     * remove older ones (a bounded number per sweep). Between 1 minute and 3650 days.
     */
    public Builder historyRetention(Duration retention) {
      Validation.requirePositive("historyRetention", retention);
      if (retention.compareTo(Duration.ofMinutes(1)) < 0
          || retention.compareTo(Duration.ofDays(3650)) > 0) {
        throw new IllegalArgumentException(
            "historyRetention must be between 1m and 3650d, was " + retention);
      }
      this.historyRetention = retention;
      return this;
    }

    /**
     * The most history entries kept per key, the newest (default: {@link
     * #DEFAULT_HISTORY_PER_KEY}), 1 to 10,000. {@link TieredMemory#history} returns at most these;
     * sweeps remove the older ones of keys this instance wrote.
     */
    public Builder historyPerKey(int entries) {
      if (entries < 1 || entries > 10_000) {
        throw new IllegalArgumentException(
            "historyPerKey must be between 1 and 10000, was " + entries);
      }
      this.historyPerKey = entries;
      return this;
    }

    /**
     * The most history entries this instance holds before WARM has them (default: {@link
     * #DEFAULT_HISTORY_QUEUE}), 1 to 1,000,000; beyond it entries are dropped and counted ({@link
     * TieredMemory#historyDropped}), never waited for.
     */
    public Builder historyQueue(int entries) {
      if (entries < 1 || entries > 1_000_000) {
        throw new IllegalArgumentException(
            "historyQueue must be between 1 and 1000000, was " + entries);
      }
      this.historyQueue = entries;
      return this;
    }

    /**
     * This instance's name in history entries (default: host name and process id, e.g. {@code
     * web-1:4242}): 1-128 letters, digits or {@code . _ - : @}. Give each instance sharing the
     * tiers its own.
     */
    public Builder instanceId(String id) {
      if (id == null || !INSTANCE.matcher(id).matches()) {
        throw new IllegalArgumentException(
            "instanceId must be 1-128 letters, digits, '.', '_', '-', ':' or '@', was "
                + (id == null ? "null" : "'" + id + "'"));
      }
      this.instanceId = id;
      return this;
    }

    /** The default instance id: host name (as far as it is valid) and process id. */
    static String defaultInstanceId() {
      String host = System.getenv("HOSTNAME");
      if (host == null || host.isBlank()) {
        host = System.getenv("COMPUTERNAME");
      }
      if (host == null || host.isBlank()) {
        try {
          host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
          host = "localhost";
        }
      }
      String clean = host.replaceAll("[^A-Za-z0-9_.-]", "-");
      if (clean.length() > 100) {
        clean = clean.substring(0, 100);
      }
      return (clean.isEmpty() ? "host" : clean) + ":" + ProcessHandle.current().pid();
    }

    /**
     * Whether {@link io.tieredmemory.core.event.TierEvent.Recalled Recalled} events carry the query
     * text of each search (default: false). Query text is what a user asked, so it is content: keep
     * it off unless every observer of events may see it. A decision feed serving events over HTTP
     * leaves it out anyway unless its own {@code queryText} option is set.
     */
    public Builder recordQueryText(boolean enabled) {
      this.recordQueryText = enabled;
      return this;
    }

    /**
     * Where {@link io.tieredmemory.core.event.TierEvent.Recalled Recalled} events get the caller's
     * current trace id: called on the recalling thread, while the request's span (if any) is
     * current, only when an event is built; may return null. Core has no tracing dependency; with
     * Micrometer Tracing, e.g. {@code () -> { Span s = tracer.currentSpan(); return s == null ?
     * null : s.context().traceId(); }} (the Spring Boot auto-configuration sets this when a {@code
     * Tracer} bean exists). A supplier that throws is logged and the event has no trace id.
     */
    public Builder traceIds(Supplier<@Nullable String> supplier) {
      this.traceIds = Validation.requireNonNull("traceIds", supplier);
      return this;
    }

    /**
     * Where the moves that reads cause, and a put's copy into a remote HOT tier, are made (default:
     * {@link ReadMoves#AUTO}: on the calling thread when every tier is in process, on threads of
     * the store's own when any is remote). {@link ReadMoves#CALLER} makes them before {@code get}
     * or {@code put} returns (deterministic, e.g. for tests); {@link ReadMoves#BACKGROUND} after.
     * The guarantees are the same in every mode.
     */
    public Builder readMoves(ReadMoves where) {
      this.readMoves = Validation.requireNonNull("readMoves", where);
      this.readMovesExecutor = null;
      return this;
    }

    /**
     * Makes the moves that reads cause (and a put's copy into a remote HOT tier) on {@code
     * executor}, after {@code get} (or {@code put}) returned, as {@link ReadMoves#BACKGROUND} does
     * on the store's own threads (one move waiting per key, at most {@link #MAX_PENDING_READ_MOVES}
     * keys waiting; a refused move is dropped and counted). The store does not shut the executor
     * down; moves it runs after {@link TieredMemory#close()} do nothing.
     */
    public Builder readMoves(Executor executor) {
      this.readMovesExecutor = Validation.requireNonNull("readMoves", executor);
      this.readMoves = ReadMoves.BACKGROUND;
      return this;
    }

    /** Builds the store; tiers not given are in process. */
    public TieredMemory build() {
      TierStore h = hot != null ? hot : InProcessTiers.hot();
      TierStore w = warm != null ? warm : InProcessTiers.warm(embedder);
      TierStore c = cold != null ? cold : InProcessTiers.cold(embedder);
      return DefaultTieredMemory.create(this, h, w, c);
    }
  }
}
