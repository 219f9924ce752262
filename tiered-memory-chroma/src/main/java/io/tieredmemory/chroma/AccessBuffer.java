package io.tieredmemory.chroma;

import io.tieredmemory.chroma.ChromaClient.Include;
import io.tieredmemory.chroma.ChromaClient.Row;
import io.tieredmemory.chroma.ChromaClient.Write;
import io.tieredmemory.core.spi.StoredMemory;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Access statistics recorded by reads and touches but not yet written to Chroma, so that a read
 * costs one round trip. Flushed in batches by {@link ChromaTierStore#flush()}.
 *
 * <p>A flush writes absolute values ({@code tm_count}, {@code tm_last}) computed from what the
 * server holds, under the keys' locks, so it never overwrites a write of this process. Another
 * process flushing the same key at the same time may lose some counts: counts are approximate by
 * contract.
 */
final class AccessBuffer {
  /** Reads since the last flush and the latest access seen. */
  record Pending(long reads, long lastAccessMillis) {
    Pending plus(Pending other) {
      return new Pending(reads + other.reads, Math.max(lastAccessMillis, other.lastAccessMillis));
    }
  }

  private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();

  void recordRead(String key, long nowMillis) {
    pending.merge(key, new Pending(1, nowMillis), Pending::plus);
  }

  void recordTouch(String key, long lastAccessMillis) {
    pending.merge(key, new Pending(0, lastAccessMillis), Pending::plus);
  }

  /** What is pending for {@code key}, or {@code null}. */
  Pending get(String key) {
    return pending.get(key);
  }

  /** Removes and returns what is pending for {@code key}, or {@code null}. */
  Pending take(String key) {
    return pending.remove(key);
  }

  /** Forgets {@code key}'s pending statistics (the record was replaced or removed). */
  void discard(String key) {
    pending.remove(key);
  }

  /** Puts statistics back after a failed write, merged with whatever came in meanwhile. */
  void restore(String key, Pending p) {
    if (p != null) {
      pending.merge(key, p, Pending::plus);
    }
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  /** Removes and returns everything pending; each key is removed atomically. */
  Map<String, Pending> drain() {
    Map<String, Pending> out = new HashMap<>();
    for (String key : pending.keySet()) {
      Pending p = pending.remove(key);
      if (p != null) {
        out.put(key, p);
      }
    }
    return out;
  }

  /** {@code s} with what is pending for its key added; {@code null} stays {@code null}. */
  StoredMemory withPending(StoredMemory s) {
    Pending p = s == null ? null : pending.get(s.key());
    if (p == null) {
      return s;
    }
    return new StoredMemory(
        s.memory(),
        s.accessCount() + p.reads(),
        Math.max(s.lastAccessMillis(), p.lastAccessMillis()));
  }

  /**
   * Writes everything pending: per batch of keys, one {@code /get} of their stored statistics and
   * one {@code /update} of the merged ones (absent keys are skipped). On failure what was not
   * written goes back into the buffer and the failure is thrown.
   */
  void flush(ChromaClient client, String collectionId, StripedLocks locks) {
    if (pending.isEmpty()) {
      return;
    }
    Map<String, Pending> drained = drain();
    List<String> keys = new ArrayList<>(drained.keySet());
    int batch = client.maxBatchSize();
    for (int i = 0; i < keys.size(); i += batch) {
      List<String> chunk = keys.subList(i, Math.min(keys.size(), i + batch));
      try (StripedLocks.Held held = locks.lockAll(chunk)) {
        List<Write> updates = new ArrayList<>();
        for (Row row : client.get(collectionId, chunk, EnumSet.of(Include.METADATAS))) {
          if (RecordCodec.isOurs(row.metadata())) {
            Pending p = drained.get(row.id());
            long count = RecordCodec.accessCount(row.metadata()) + p.reads();
            long last = Math.max(RecordCodec.lastAccess(row.metadata()), p.lastAccessMillis());
            updates.add(new Write(row.id(), null, null, RecordCodec.stats(count, last)));
          }
        }
        client.update(collectionId, updates);
      } catch (RuntimeException e) {
        for (String key : keys.subList(i, keys.size())) {
          restore(key, drained.get(key));
        }
        throw e;
      }
    }
  }
}
