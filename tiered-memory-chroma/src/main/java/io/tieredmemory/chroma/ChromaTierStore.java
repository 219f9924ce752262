package io.tieredmemory.chroma;

import com.fasterxml.jackson.databind.JsonNode;
import io.tieredmemory.chroma.AccessBuffer.Pending;
import io.tieredmemory.chroma.ChromaClient.Hit;
import io.tieredmemory.chroma.ChromaClient.Include;
import io.tieredmemory.chroma.ChromaClient.Row;
import io.tieredmemory.chroma.ChromaClient.Write;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.ScoredMemory;
import io.tieredmemory.core.spi.SearchableTierStore;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierStore;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The COLD tier on a Chroma 1.0.x server, through its v2 REST API: one record per memory (id = key,
 * document = content, embedding of the content, reserved {@code tm_} metadata), searched by cosine
 * similarity.
 *
 * <pre>{@code
 * SearchableTierStore cold =
 *     ChromaTierStore.builder(URI.create("http://127.0.0.1:8000"), Embedder.hashing())
 *         .collection("tiered_memory_agent")
 *         .build();
 * }</pre>
 *
 * <p>{@link #read} is one HTTP call; its access statistics are buffered and written in batches
 * every {@code accessFlushInterval}, on {@link #flush()} and on {@link #close()}. Chroma has no
 * transactions: every read-check-write of a key runs under a per-key lock of this process, and the
 * store's {@code KeyCoordinator} must serialise moves and deletes across processes (conditional
 * removals are still applied server-side with a {@code where} on the version, so a newer version is
 * never removed). See {@code docs/backends/chroma.md} for the round trips of every operation.
 */
public final class ChromaTierStore implements SearchableTierStore {
  private static final System.Logger LOG = System.getLogger(ChromaTierStore.class.getName());
  private static final Set<Include> NOTHING = EnumSet.noneOf(Include.class);
  private static final Set<Include> METADATAS = EnumSet.of(Include.METADATAS);
  private static final Set<Include> RECORDS = EnumSet.of(Include.DOCUMENTS, Include.METADATAS);
  private static final Set<Include> HITS =
      EnumSet.of(Include.DOCUMENTS, Include.METADATAS, Include.DISTANCES);

  private final ChromaClient client;
  private final String collectionId;
  private final String description;
  private final Embedder embedder;
  private final StripedLocks locks = new StripedLocks(64);
  private final AccessBuffer buffer = new AccessBuffer();
  private final CollectionScans scans;
  private final Removals removals;
  private final long bytesCacheNanos;
  private final AtomicLong writes = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ScheduledExecutorService flusher;
  private volatile BytesSnapshot bytesCache;
  private volatile boolean flushFailing; // only the flusher thread writes it

  private record BytesSnapshot(long bytes, long atNanos, long writes) {}

  ChromaTierStore(
      ChromaClient client,
      String collectionId,
      String description,
      Embedder embedder,
      long flushIntervalMillis,
      long bytesCacheNanos) {
    this.client = client;
    this.collectionId = collectionId;
    this.description = description;
    this.embedder = embedder;
    this.bytesCacheNanos = bytesCacheNanos;
    this.scans = new CollectionScans(client, collectionId);
    this.removals = new Removals(client, collectionId, locks, buffer, writes::incrementAndGet);
    this.flusher =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tiered-memory-chroma-flush");
              t.setDaemon(true);
              return t;
            });
    flusher.scheduleWithFixedDelay(
        this::flushQuietly, flushIntervalMillis, flushIntervalMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * A builder for a store on the Chroma server at {@code baseUrl}, embedding content with {@code
   * embedder} (the same embedder must be used to query).
   */
  public static ChromaTierStoreBuilder builder(URI baseUrl, Embedder embedder) {
    return new ChromaTierStoreBuilder(baseUrl, embedder);
  }

  @Override
  public String kind() {
    return "chroma";
  }

  /** One {@code /get} by id; the access is buffered. */
  @Override
  public Memory read(String key, long nowMillis) {
    StoredMemory s = getOne(key);
    if (s == null) {
      return null;
    }
    buffer.recordRead(key, nowMillis);
    return s.memory();
  }

  @Override
  public Map<String, Memory> readAll(Collection<String> keys, long nowMillis) {
    Map<String, Memory> found = new HashMap<>();
    for (StoredMemory s : getMany(keys)) {
      buffer.recordRead(s.key(), nowMillis);
      found.put(s.key(), s.memory());
    }
    return found;
  }

  @Override
  public StoredMemory peek(String key) {
    return buffer.withPending(getOne(key));
  }

  @Override
  public Map<String, StoredMemory> peekAll(Collection<String> keys) {
    Map<String, StoredMemory> found = new HashMap<>();
    for (StoredMemory s : getMany(keys)) {
      found.put(s.key(), buffer.withPending(s));
    }
    return found;
  }

  /** A {@code /get} of the old metadata, then one {@code /upsert}, under the key's lock. */
  @Override
  public StoredMemory upsert(Memory proposal, long nowMillis) {
    float[] vector = embed(proposal);
    try (StripedLocks.Held held = locks.lock(proposal.key())) {
      JsonNode old = metadataOf(proposal.key());
      Pending pending = buffer.take(proposal.key());
      Memory m = proposal;
      long count = 0;
      long last = nowMillis;
      if (old != null) {
        long version = Math.max(proposal.version(), RecordCodec.version(old) + 1);
        m =
            proposal
                .withVersion(version, proposal.updatedAt())
                .withCreatedAt(RecordCodec.createdAt(old));
        count = RecordCodec.accessCount(old);
        last = Math.max(nowMillis, RecordCodec.lastAccess(old));
        if (pending != null) {
          count += pending.reads();
          last = Math.max(last, pending.lastAccessMillis());
        }
      }
      StoredMemory stored = new StoredMemory(m, count, last);
      try {
        put(stored, vector);
      } catch (RuntimeException e) {
        buffer.restore(proposal.key(), pending);
        throw e;
      }
      return stored;
    }
  }

  /** A {@code /get} of the old version, then one {@code /upsert} unless it is newer. */
  @Override
  public boolean copyIn(StoredMemory copy) {
    float[] vector = embed(copy.memory());
    try (StripedLocks.Held held = locks.lock(copy.key())) {
      JsonNode old = metadataOf(copy.key());
      if (old != null && RecordCodec.version(old) > copy.version()) {
        return false;
      }
      put(copy, vector);
      buffer.discard(copy.key());
      return true;
    }
  }

  /**
   * Per {@code max_batch_size} copies: one {@code /get} of the ids' metadata (version check) and
   * one {@code /upsert} of every copy not older than what is there, under the keys' locks (taken in
   * ascending stripe order, so batches and single-key calls cannot deadlock). Embeddings are
   * computed first, outside the locks. A failure may leave earlier batches written.
   */
  @Override
  public List<String> copyAllIn(List<StoredMemory> copies) {
    TierStore.requireDistinctKeys(copies);
    if (copies.isEmpty()) {
      return List.of();
    }
    float[][] vectors = new float[copies.size()][];
    for (int i = 0; i < copies.size(); i++) {
      vectors[i] = embed(copies.get(i).memory());
    }
    List<String> stored = new ArrayList<>(copies.size());
    int batch = client.maxBatchSize();
    for (int from = 0; from < copies.size(); from += batch) {
      int to = Math.min(copies.size(), from + batch);
      List<String> ids = new ArrayList<>(to - from);
      for (int i = from; i < to; i++) {
        ids.add(copies.get(i).key());
      }
      try (StripedLocks.Held held = locks.lockAll(ids)) {
        Map<String, Long> existing = new HashMap<>();
        for (Row row : client.get(collectionId, ids, METADATAS)) {
          if (RecordCodec.isOurs(row.metadata())) {
            existing.put(row.id(), RecordCodec.version(row.metadata()));
          }
        }
        List<Write> toWrite = new ArrayList<>(ids.size());
        List<String> written = new ArrayList<>(ids.size());
        for (int i = from; i < to; i++) {
          StoredMemory copy = copies.get(i);
          Long old = existing.get(copy.key());
          if (old != null && old > copy.version()) {
            continue; // a newer version is there
          }
          toWrite.add(
              new Write(
                  copy.key(), copy.memory().content(), vectors[i], RecordCodec.metadata(copy)));
          written.add(copy.key());
        }
        if (!toWrite.isEmpty()) {
          client.upsert(collectionId, toWrite);
          writes.incrementAndGet();
          written.forEach(buffer::discard);
          stored.addAll(written);
        }
      }
    }
    return stored;
  }

  @Override
  public List<String> removeAllIfVersion(Map<String, Long> versions) {
    return removals.removeAllIfVersion(versions);
  }

  @Override
  public boolean removeIfVersion(String key, long version) {
    return removals.removeWhen(key, "$eq", version);
  }

  @Override
  public boolean removeIfOlder(String key, long version) {
    return removals.removeWhen(key, "$lt", version);
  }

  @Override
  public boolean remove(String key) {
    return removals.remove(key);
  }

  @Override
  public List<String> removeAllIfOlder(Map<String, Long> versions) {
    return removals.removeAllIfOlder(versions);
  }

  /** One {@code /get} to learn presence; the new last access is buffered like a read's. */
  @Override
  public boolean touch(String key, long lastAccessMillis) {
    if (client.get(collectionId, List.of(key), NOTHING).isEmpty()) {
      return false;
    }
    buffer.recordTouch(key, lastAccessMillis);
    return true;
  }

  /**
   * Pages through every record accessed before the cutoff (Chroma cannot sort), keeps the oldest
   * {@code limit} in Java, then fetches their content: cost grows with the matching records, not
   * with {@code limit}. Sweeps never ask COLD for candidates, so this is for tools and tests.
   */
  @Override
  public List<StoredMemory> oldestAccessed(long accessedBeforeMillis, int limit) {
    if (limit < 1) {
      return List.of();
    }
    return scans.oldest(accessedBeforeMillis, limit, buffer);
  }

  /** One {@code /count}. */
  @Override
  public long count() {
    return client.count(collectionId);
  }

  /**
   * The sum of {@code tm_size} over all records: a paged scan of every record's metadata (one round
   * trip per {@code max_batch_size} records), cached for {@code bytesCacheTtl} and recomputed after
   * any write of this store.
   */
  @Override
  public long bytes() {
    long w = writes.get();
    BytesSnapshot s = bytesCache;
    if (s != null && s.writes() == w && System.nanoTime() - s.atNanos() < bytesCacheNanos) {
      return s.bytes();
    }
    long total = scans.totalSize();
    bytesCache = new BytesSnapshot(total, System.nanoTime(), w);
    return total;
  }

  /** One {@code /query}; similarity is {@code 1 - distance} (the collection's space is cosine). */
  @Override
  public List<ScoredMemory> search(float[] queryVector, String queryText, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, was " + k);
    }
    if (queryVector == null || queryVector.length != embedder.dimension()) {
      throw new IllegalArgumentException(
          "queryVector must have "
              + embedder.dimension()
              + " dimensions (the tier's embedder), had "
              + (queryVector == null ? "null" : String.valueOf(queryVector.length)));
    }
    List<ScoredMemory> result = new ArrayList<>();
    for (Hit hit : client.query(collectionId, queryVector, k, HITS)) {
      StoredMemory s = RecordCodec.decode(hit.row());
      if (s != null) {
        double similarity = Math.max(-1.0, Math.min(1.0, 1.0 - hit.distance()));
        result.add(new ScoredMemory(s.memory(), similarity));
      }
    }
    return result;
  }

  /**
   * Writes buffered access statistics: per batch of keys, one {@code /get} of their current
   * statistics and one {@code /update} of the merged ones, under the keys' locks. On failure the
   * statistics not yet written go back into the buffer and the failure is thrown.
   */
  @Override
  public void flush() {
    // Access statistics do not change sizes: the bytes() cache stays valid.
    buffer.flush(client, collectionId, locks);
  }

  private void flushQuietly() {
    try {
      if (!buffer.isEmpty()) {
        flush();
        if (flushFailing) {
          flushFailing = false;
          LOG.log(Level.INFO, () -> this + ": flushing access statistics works again");
        }
      }
    } catch (RuntimeException e) {
      // Once per failure streak, like the other tiers: a Chroma outage must not log a stack trace
      // every flush interval. The statistics are back in the buffer for the next flush.
      Level level = flushFailing ? Level.DEBUG : Level.WARNING;
      flushFailing = true;
      LOG.log(level, this + ": flushing access statistics failed; kept for the next flush", e);
    }
  }

  /** Stops the background flush and flushes; a failure to flush is logged, not thrown. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    flusher.shutdown();
    try {
      flusher.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "final flush of access statistics to Chroma failed; they are lost", e);
    }
  }

  @Override
  public String toString() {
    return "ChromaTierStore{" + description + "}";
  }

  /** The client, for tests in this package (request counting). */
  ChromaClient client() {
    return client;
  }

  /** The collection's UUID, for tests in this package. */
  String collectionId() {
    return collectionId;
  }

  private StoredMemory getOne(String key) {
    List<Row> rows = client.get(collectionId, List.of(key), RECORDS);
    return rows.isEmpty() ? null : RecordCodec.decode(rows.get(0));
  }

  private List<StoredMemory> getMany(Collection<String> keys) {
    if (keys.isEmpty()) {
      return List.of();
    }
    List<StoredMemory> out = new ArrayList<>(keys.size());
    for (Row row : client.get(collectionId, new ArrayList<>(new LinkedHashSet<>(keys)), RECORDS)) {
      StoredMemory s = RecordCodec.decode(row);
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  private JsonNode metadataOf(String key) {
    List<Row> rows = client.get(collectionId, List.of(key), METADATAS);
    if (rows.isEmpty() || !RecordCodec.isOurs(rows.get(0).metadata())) {
      return null;
    }
    return rows.get(0).metadata();
  }

  private float[] embed(Memory m) {
    float[] v = embedder.embed(m.content());
    if (v == null || v.length != embedder.dimension()) {
      throw new IllegalStateException(
          "embedder returned "
              + (v == null ? "null" : v.length + " dimensions")
              + " but declares "
              + embedder.dimension()
              + ", for key "
              + m.key());
    }
    return v;
  }

  private void put(StoredMemory stored, float[] vector) {
    client.upsert(
        collectionId,
        List.of(
            new Write(
                stored.key(), stored.memory().content(), vector, RecordCodec.metadata(stored))));
    writes.incrementAndGet();
  }
}
