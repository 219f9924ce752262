package io.tieredmemory.chroma;

import com.fasterxml.jackson.databind.JsonNode;
import io.tieredmemory.chroma.ChromaClient.Include;
import io.tieredmemory.chroma.ChromaClient.Row;
import io.tieredmemory.core.spi.AccessBuffer;
import io.tieredmemory.core.spi.KeyCoordinator;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Removals on a server without transactions or delete counts. Each one reads first, under the keys'
 * locks of this process (the store's {@link KeyCoordinator#inProcess()}), to learn what it will
 * remove, then deletes with a {@code where} on {@code tm_version} so the server applies the
 * condition again: a version written in between by another process is never removed. In that window
 * the answer may still claim a removal that did not happen; the {@code TieredMemory}'s own
 * KeyCoordinator serialises moves and deletes across processes and so closes it. A removed key's
 * buffered access statistics are discarded.
 */
final class Removals {
  private static final Set<Include> NOTHING = EnumSet.noneOf(Include.class);
  private static final Set<Include> METADATAS = EnumSet.of(Include.METADATAS);

  private final ChromaClient client;
  private final String collectionId;
  private final KeyCoordinator locks;
  private final AccessBuffer buffer;
  private final Runnable onWrite;

  Removals(
      ChromaClient client,
      String collectionId,
      KeyCoordinator locks,
      AccessBuffer buffer,
      Runnable onWrite) {
    this.client = client;
    this.collectionId = collectionId;
    this.locks = locks;
    this.buffer = buffer;
    this.onWrite = onWrite;
  }

  /**
   * A {@code /get} to learn whether the key's version matches {@code op} ({@code $eq} or {@code
   * $lt}) {@code version}, then a {@code /delete} with the same condition as {@code where}.
   */
  boolean removeWhen(String key, String op, long version) {
    try (KeyCoordinator.Lease held = locks.lock(key)) {
      List<Row> rows = client.get(collectionId, List.of(key), METADATAS);
      JsonNode meta = rows.isEmpty() ? null : RecordCodec.ours(rows.get(0).metadata());
      if (meta == null) {
        return false;
      }
      long stored = RecordCodec.version(meta);
      boolean matches = op.equals("$eq") ? stored == version : stored < version;
      if (!matches) {
        return false;
      }
      client.delete(
          collectionId, List.of(key), ChromaClient.where(RecordCodec.VERSION, op, version));
      buffer.discard(key);
      onWrite.run();
      return true;
    }
  }

  /** A {@code /get} to learn presence, then an unconditional {@code /delete}. */
  boolean remove(String key) {
    try (KeyCoordinator.Lease held = locks.lock(key)) {
      if (client.get(collectionId, List.of(key), NOTHING).isEmpty()) {
        return false;
      }
      client.delete(collectionId, List.of(key), null);
      buffer.discard(key);
      onWrite.run();
      return true;
    }
  }

  /**
   * Per {@code max_batch_size} keys: one {@code /get} of their versions, then one {@code /delete}
   * per distinct version among the keys that hold theirs, {@code where tm_version $eq} that
   * version, sent concurrently ({@link ChromaClient#deleteEach}).
   *
   * <p>Why not one {@code /delete} of all matching ids with {@code where tm_version $in [their
   * versions]}: Chroma applies one {@code where} to every id, so that would remove a key holding
   * any version of the list, not only its own. Versions are unique within one key's history but not
   * across keys (two puts in the same microsecond, or {@code previous + 1} of one key equal to
   * another's), so a newer version written between the {@code /get} and the {@code /delete} could
   * match another key's version and be removed. The store's KeyCoordinator would exclude such a
   * write in COLD, but the contract is per key whatever the caller, so each delete names one
   * version; concurrency keeps the wall time near one round trip.
   */
  List<String> removeAllIfVersion(Map<String, Long> versions) {
    List<String> removed = new ArrayList<>();
    List<String> keys = new ArrayList<>(versions.keySet());
    int batch = client.maxBatchSize();
    for (int i = 0; i < keys.size(); i += batch) {
      List<String> chunk = keys.subList(i, Math.min(keys.size(), i + batch));
      try (KeyCoordinator.Lease held = locks.lockAll(chunk)) {
        Map<Long, List<String>> byVersion = new TreeMap<>();
        for (Row row : client.get(collectionId, chunk, METADATAS)) {
          Long wanted = versions.get(row.id());
          JsonNode meta = RecordCodec.ours(row.metadata());
          if (wanted != null && meta != null && RecordCodec.version(meta) == wanted) {
            byVersion.computeIfAbsent(wanted, v -> new ArrayList<>()).add(row.id());
          }
        }
        if (byVersion.isEmpty()) {
          continue;
        }
        List<ChromaClient.Deletion> deletions = new ArrayList<>(byVersion.size());
        for (Map.Entry<Long, List<String>> e : byVersion.entrySet()) {
          deletions.add(
              new ChromaClient.Deletion(
                  e.getValue(), ChromaClient.where(RecordCodec.VERSION, "$eq", e.getKey())));
        }
        try {
          client.deleteEach(collectionId, deletions);
        } finally {
          onWrite.run(); // some deletes may have been applied even if one failed
        }
        for (List<String> ids : byVersion.values()) {
          ids.forEach(buffer::discard);
          removed.addAll(ids);
        }
      }
    }
    return removed;
  }

  /** One {@code /get} per batch, then one conditional {@code /delete} per distinct threshold. */
  List<String> removeAllIfOlder(Map<String, Long> versions) {
    List<String> removed = new ArrayList<>();
    List<String> keys = new ArrayList<>(versions.keySet());
    int batch = client.maxBatchSize();
    for (int i = 0; i < keys.size(); i += batch) {
      List<String> chunk = keys.subList(i, Math.min(keys.size(), i + batch));
      try (KeyCoordinator.Lease held = locks.lockAll(chunk)) {
        Map<Long, List<String>> staleByThreshold = new TreeMap<>();
        for (Row row : client.get(collectionId, chunk, METADATAS)) {
          // The server answers only ids of the chunk, all of them keys of versions.
          long threshold =
              Objects.requireNonNull(versions.get(row.id()), "a version for every key read");
          JsonNode meta = RecordCodec.ours(row.metadata());
          if (meta != null && RecordCodec.version(meta) < threshold) {
            staleByThreshold.computeIfAbsent(threshold, t -> new ArrayList<>()).add(row.id());
          }
        }
        for (Map.Entry<Long, List<String>> e : staleByThreshold.entrySet()) {
          client.delete(
              collectionId,
              e.getValue(),
              ChromaClient.where(RecordCodec.VERSION, "$lt", e.getKey()));
          e.getValue().forEach(buffer::discard);
          removed.addAll(e.getValue());
          onWrite.run();
        }
      }
    }
    return removed;
  }
}
