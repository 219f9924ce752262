package io.tieredmemory.chroma;

import com.fasterxml.jackson.databind.JsonNode;
import io.tieredmemory.chroma.ChromaClient.Include;
import io.tieredmemory.chroma.ChromaClient.Row;
import io.tieredmemory.chroma.ChromaClient.Write;
import io.tieredmemory.core.spi.AccessBuffer;
import io.tieredmemory.core.spi.KeyCoordinator;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes one batch of buffered access statistics: one {@code /get} of the keys' stored statistics
 * and one {@code /update} of the merged ones ({@code tm_count} and {@code tm_last} only; absent
 * keys and records of other writers are skipped).
 *
 * <p>Chroma cannot add to a stored value, so the writer computes absolute values from what it
 * reads. It does so under the keys' locks of this process, the same ones {@code upsert}, {@code
 * copyIn} and the removals take, so a write of this process never falls between its {@code /get}
 * and its {@code /update} and is never overwritten with older statistics. Another process flushing
 * the same key at the same time may lose some counts: counts are approximate by contract.
 */
final class AccessWriter implements AccessBuffer.Writer {
  private static final Set<Include> METADATAS = EnumSet.of(Include.METADATAS);

  private final ChromaClient client;
  private final String collectionId;
  private final KeyCoordinator locks;

  AccessWriter(ChromaClient client, String collectionId, KeyCoordinator locks) {
    this.client = client;
    this.collectionId = collectionId;
    this.locks = locks;
  }

  @Override
  public void write(List<AccessBuffer.Pending> batch) {
    Map<String, AccessBuffer.Pending> byKey = new HashMap<>();
    List<String> keys = new ArrayList<>(batch.size());
    for (AccessBuffer.Pending p : batch) {
      byKey.put(p.key(), p);
      keys.add(p.key());
    }
    try (KeyCoordinator.Lease held = locks.lockAll(keys)) {
      List<Write> updates = new ArrayList<>(keys.size());
      for (Row row : client.get(collectionId, keys, METADATAS)) {
        AccessBuffer.Pending p = byKey.get(row.id());
        JsonNode meta = RecordCodec.ours(row.metadata());
        if (p != null && meta != null) {
          long count = RecordCodec.accessCount(meta) + p.reads();
          long last = Math.max(RecordCodec.lastAccess(meta), p.lastAccessMillis());
          updates.add(new Write(row.id(), null, null, RecordCodec.stats(count, last)));
        }
      }
      client.update(collectionId, updates);
    }
  }
}
