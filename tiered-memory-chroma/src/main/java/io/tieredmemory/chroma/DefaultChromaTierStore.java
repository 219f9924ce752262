package io.tieredmemory.chroma;

import com.fasterxml.jackson.databind.JsonNode;
import io.tieredmemory.chroma.ChromaClient.Include;
import io.tieredmemory.chroma.ChromaClient.Row;
import io.tieredmemory.chroma.ChromaClient.Write;
import io.tieredmemory.core.KindCount;
import io.tieredmemory.core.Kinds;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.AccessBuffer;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.KeyCoordinator;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.core.spi.VectorSearch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The COLD tier on one Chroma collection; see {@link ChromaTierStore} for the mapping. Its parts
 * share the collection's {@link ChromaClient}: the removals ({@link Removals}), the scans Chroma
 * cannot index ({@link CollectionScans}), the access statistics ({@link AccessWriter} under core's
 * {@link AccessBuffer}) and search ({@link ChromaSearch}).
 *
 * <p>Every read-check-write of a key ({@code upsert}, {@code copyIn}, {@code copyAllIn}, the
 * removals and each access-statistics batch) runs under that key's lock in {@link #locks}, one
 * {@link KeyCoordinator#inProcess()} per store: Chroma has no transactions, and these locks are
 * what keeps two of them of this process from interleaving. Several keys are locked in one
 * canonical order ({@link KeyCoordinator#lockAll}), so batches never deadlock. Reads, {@code touch}
 * and the scans take no lock: each is one request that changes nothing (a touch only buffers).
 */
final class DefaultChromaTierStore implements ChromaTierStore {
  private static final Set<Include> NOTHING = EnumSet.noneOf(Include.class);
  private static final Set<Include> METADATAS = EnumSet.of(Include.METADATAS);
  private static final Set<Include> RECORDS = EnumSet.of(Include.DOCUMENTS, Include.METADATAS);

  private final ChromaClient client;
  private final String collectionId;
  private final String collection;
  private final String description;
  private final Embedder embedder;
  private final KeyCoordinator locks = KeyCoordinator.inProcess();
  private final AccessBuffer access;
  private final CollectionScans scans;
  private final Removals removals;
  private final Optional<VectorSearch> search;
  private final AtomicBoolean closed = new AtomicBoolean();

  DefaultChromaTierStore(
      ChromaClient client,
      String collectionId,
      String collection,
      String description,
      Embedder embedder,
      Duration accessFlushInterval,
      Duration bytesCacheTtl) {
    this.client = client;
    this.collectionId = collectionId;
    this.collection = collection;
    this.description = description;
    this.embedder = embedder;
    this.access =
        AccessBuffer.start(
            "ChromaTierStore[collection=" + collection + "]",
            accessFlushInterval,
            client.maxBatchSize(),
            new AccessWriter(client, collectionId, locks));
    this.scans = new CollectionScans(client, collectionId, bytesCacheTtl.toNanos());
    this.removals = new Removals(client, collectionId, locks, access, scans::written);
    this.search = Optional.of(new ChromaSearch(client, collectionId, embedder));
  }

  @Override
  public String kind() {
    return "chroma";
  }

  @Override
  public String collection() {
    return collection;
  }

  /**
   * Always present: one {@code /query} (one per round when filtered), similarity the cosine of the
   * query and the record's vector ({@link ChromaSearch}).
   */
  @Override
  public Optional<VectorSearch> vectorSearch() {
    return search;
  }

  /** One {@code /get} by id; the access is buffered. */
  @Override
  public @Nullable Memory read(String key, long nowMillis) {
    StoredMemory s = getOne(key);
    if (s == null) {
      return null;
    }
    access.recordRead(key, nowMillis);
    return s.memory();
  }

  @Override
  public Map<String, Memory> readAll(Collection<String> keys, long nowMillis) {
    Map<String, Memory> found = new HashMap<>();
    for (StoredMemory s : getMany(keys)) {
      access.recordRead(s.key(), nowMillis);
      found.put(s.key(), s.memory());
    }
    return found;
  }

  @Override
  public @Nullable StoredMemory peek(String key) {
    return access.withPending(getOne(key));
  }

  @Override
  public Map<String, StoredMemory> peekAll(Collection<String> keys) {
    Map<String, StoredMemory> found = new HashMap<>();
    for (StoredMemory s : getMany(keys)) {
      found.put(s.key(), access.withPending(s));
    }
    return found;
  }

  /**
   * A {@code /get} of the old metadata, then one {@code /upsert}, under the key's lock. The key's
   * buffered statistics are folded into the write (and put back if it fails).
   */
  @Override
  public StoredMemory upsert(Memory proposal, long nowMillis) {
    float[] vector = embed(proposal);
    try (KeyCoordinator.Lease held = locks.lock(proposal.key())) {
      JsonNode old = metadataOf(proposal.key());
      AccessBuffer.Pending pending = access.take(proposal.key());
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
        access.restore(pending);
        throw e;
      }
      return stored;
    }
  }

  /** A {@code /get} of the old version, then one {@code /upsert} unless it is newer. */
  @Override
  public boolean copyIn(StoredMemory copy) {
    float[] vector = embed(copy.memory());
    try (KeyCoordinator.Lease held = locks.lock(copy.key())) {
      JsonNode old = metadataOf(copy.key());
      if (old != null && RecordCodec.version(old) > copy.version()) {
        return false;
      }
      put(copy, vector);
      access.discard(copy.key());
      return true;
    }
  }

  /**
   * Per {@code max_batch_size} copies: one {@code /get} of the ids' metadata (version check) and
   * one {@code /upsert} of every copy not older than what is there, under the keys' locks.
   * Embeddings are computed first, outside the locks. A failure may leave earlier batches written.
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
      try (KeyCoordinator.Lease held = locks.lockAll(ids)) {
        Map<String, Long> existing = new HashMap<>();
        for (Row row : client.get(collectionId, ids, METADATAS)) {
          JsonNode meta = RecordCodec.ours(row.metadata());
          if (meta != null) {
            existing.put(row.id(), RecordCodec.version(meta));
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
          scans.written();
          written.forEach(access::discard);
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
    access.recordTouch(key, lastAccessMillis);
    return true;
  }

  /**
   * Flushes the buffered statistics (so the scan sees this process's reads), pages through every
   * record accessed before the cutoff (Chroma cannot sort), keeps the oldest {@code limit} in Java,
   * then fetches their content: cost grows with the matching records, not with {@code limit}.
   * Sweeps never ask COLD for candidates, so this is for tools and tests.
   */
  @Override
  public List<StoredMemory> oldestAccessed(long accessedBeforeMillis, int limit) {
    if (limit < 1) {
      return List.of();
    }
    access.flush();
    return scans.oldest(accessedBeforeMillis, limit, access);
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
    return scans.bytes();
  }

  /**
   * A paged scan of every record's metadata ({@code max_batch_size} records a round trip), as
   * {@link #bytes()} does, not cached: Chroma can neither group nor sum.
   */
  @Override
  public Optional<Map<String, KindCount>> countByKind(Kinds kinds) {
    return Optional.of(scans.countByKind(kinds));
  }

  /**
   * Writes buffered access statistics ({@link AccessWriter}): per batch of keys, one {@code /get}
   * and one {@code /update}. On failure the statistics not yet written stay buffered and the
   * failure is thrown. Access statistics do not change sizes: the {@code bytes()} cache stays
   * valid.
   */
  @Override
  public void flush() {
    access.flush();
  }

  /**
   * Stops the background flush, waiting for one in progress, then flushes what is left; a failure
   * of that last flush is logged, not thrown. Idempotent.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      access.close();
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

  private @Nullable StoredMemory getOne(String key) {
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

  /** The key's metadata, or {@code null} when it is absent or not one of ours. */
  private @Nullable JsonNode metadataOf(String key) {
    List<Row> rows = client.get(collectionId, List.of(key), METADATAS);
    return rows.isEmpty() ? null : RecordCodec.ours(rows.get(0).metadata());
  }

  /**
   * The vector {@code m} is indexed under: its writer's embedding if it has one (never its content
   * re-embedded), else the embedder's embedding of its content. An embedding of another dimension
   * than the embedder's cannot go into the collection's index; {@code TieredMemory.put} refuses it,
   * but a caller of this SPI may pass one: the memory is then kept (embedding included, in {@code
   * tm_embedding}) and indexed under its content's embedding, and a search never returns it (see
   * {@link ChromaSearch}), since it cannot be compared with a query.
   */
  private float[] embed(Memory m) {
    float[] own = m.embedding();
    if (own != null && own.length == embedder.dimension()) {
      return own;
    }
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
    scans.written();
  }
}
