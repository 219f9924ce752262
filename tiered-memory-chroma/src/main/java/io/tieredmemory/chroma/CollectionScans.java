package io.tieredmemory.chroma;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tieredmemory.chroma.ChromaClient.Include;
import io.tieredmemory.chroma.ChromaClient.Row;
import io.tieredmemory.core.KindCount;
import io.tieredmemory.core.Kinds;
import io.tieredmemory.core.spi.AccessBuffer;
import io.tieredmemory.core.spi.StoredMemory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The operations Chroma cannot answer with an index: it can neither sort nor sum, so these page
 * through the matching records' metadata ({@code limit}/{@code offset}, one round trip per {@code
 * max_batch_size} records) and do the rest in Java. Offset paging over a collection that changes
 * meanwhile may skip or repeat a record; both results are approximate by nature anyway. The total
 * size is cached, since each scan reads every record: the store reports its writes ({@link
 * #written()}) so that the cache never outlives one of them.
 */
final class CollectionScans {
  private static final Set<Include> METADATAS = EnumSet.of(Include.METADATAS);
  private static final Set<Include> RECORDS = EnumSet.of(Include.DOCUMENTS, Include.METADATAS);

  /** A candidate key with its effective last access. */
  record Candidate(String key, long lastAccessMillis) {}

  static final Comparator<Candidate> OLDEST_FIRST =
      Comparator.comparingLong(Candidate::lastAccessMillis).thenComparing(Candidate::key);

  private record BytesSnapshot(long bytes, long atNanos, long writes) {}

  private final ChromaClient client;
  private final String collectionId;
  private final long bytesCacheNanos;
  private final AtomicLong writes = new AtomicLong();
  private volatile @Nullable BytesSnapshot bytesCache; // null until the first bytes()

  CollectionScans(ChromaClient client, String collectionId, long bytesCacheNanos) {
    this.client = client;
    this.collectionId = collectionId;
    this.bytesCacheNanos = bytesCacheNanos;
  }

  /** Notes that the store changed records (sizes may have changed): the next bytes() rescans. */
  void written() {
    writes.incrementAndGet();
  }

  /**
   * The sum of {@code tm_size} over every record, reused for {@code bytesCacheNanos} if the store
   * wrote nothing meanwhile.
   */
  long bytes() {
    long w = writes.get();
    BytesSnapshot s = bytesCache;
    if (s != null && s.writes() == w && System.nanoTime() - s.atNanos() < bytesCacheNanos) {
      return s.bytes();
    }
    long total = totalSize();
    bytesCache = new BytesSnapshot(total, System.nanoTime(), w);
    return total;
  }

  /**
   * The {@code limit} records with the oldest stored last access before {@code before}, oldest
   * first: a metadata scan of the matching records, then one {@code /get} of the winners' content.
   * The scan sees the statistics as of the last flush (the caller flushes first); the winners are
   * re-checked with the reads of this process recorded since, in {@code buffer}, and left out if
   * those make them too young.
   */
  List<StoredMemory> oldest(long before, int limit, AccessBuffer buffer) {
    List<Candidate> oldest = oldestKeys(before, limit);
    List<String> keys = new ArrayList<>(oldest.size());
    oldest.forEach(c -> keys.add(c.key()));
    List<StoredMemory> result = new ArrayList<>(oldest.size());
    for (Row row : client.get(collectionId, keys, RECORDS)) {
      // Re-checked: a record may have been read or replaced since the scan saw it.
      StoredMemory s = buffer.withPending(RecordCodec.decode(row));
      if (s != null && s.lastAccessMillis() < before) {
        result.add(s);
      }
    }
    result.sort(
        Comparator.comparingLong(StoredMemory::lastAccessMillis).thenComparing(StoredMemory::key));
    return result;
  }

  private List<Candidate> oldestKeys(long before, int limit) {
    ObjectNode where =
        before == Long.MAX_VALUE ? null : ChromaClient.where(RecordCodec.LAST, "$lt", before);
    // Worst candidate on top, so the heap keeps the best `limit` seen.
    PriorityQueue<Candidate> best = new PriorityQueue<>(limit + 1, OLDEST_FIRST.reversed());
    int page = client.maxBatchSize();
    for (int offset = 0; ; offset += page) {
      List<Row> rows = client.getPage(collectionId, where, page, offset, METADATAS);
      for (Row row : rows) {
        JsonNode meta = RecordCodec.ours(row.metadata());
        if (meta == null) {
          continue;
        }
        long last = RecordCodec.lastAccess(meta);
        if (last < before) {
          best.add(new Candidate(row.id(), last));
          if (best.size() > limit) {
            best.poll();
          }
        }
      }
      if (rows.size() < page) {
        break;
      }
    }
    List<Candidate> out = new ArrayList<>(best);
    out.sort(OLDEST_FIRST);
    return out;
  }

  /**
   * Records and their {@code tm_size} by raw kind: one paged scan of every record's metadata (the
   * key is the record's id; a metadata kind is read from the user's metadata).
   */
  Map<String, KindCount> countByKind(Kinds kinds) {
    Map<String, KindCount> counts = new HashMap<>();
    boolean field = kinds.source() == Kinds.Source.METADATA;
    int page = client.maxBatchSize();
    for (int offset = 0; ; offset += page) {
      List<Row> rows = client.getPage(collectionId, null, page, offset, METADATAS);
      for (Row row : rows) {
        JsonNode meta = RecordCodec.ours(row.metadata());
        if (meta == null) {
          continue;
        }
        Map<String, String> user = field ? RecordCodec.userMetadata(row.id(), meta) : Map.of();
        counts.merge(
            kinds.rawKindOf(row.id(), user),
            new KindCount(1, RecordCodec.size(meta)),
            KindCount::plus);
      }
      if (rows.size() < page) {
        return counts;
      }
    }
  }

  /** The sum of {@code tm_size} over every record: one paged scan. */
  private long totalSize() {
    long total = 0;
    int page = client.maxBatchSize();
    for (int offset = 0; ; offset += page) {
      List<Row> rows = client.getPage(collectionId, null, page, offset, METADATAS);
      for (Row row : rows) {
        JsonNode meta = RecordCodec.ours(row.metadata());
        if (meta != null) {
          total += RecordCodec.size(meta);
        }
      }
      if (rows.size() < page) {
        return total;
      }
    }
  }
}
