package io.tieredmemory.metrics;

import io.micrometer.observation.Observation;
import io.tieredmemory.core.Operation;
import io.tieredmemory.core.RequestResult;
import io.tieredmemory.core.Tier;
import org.jspecify.annotations.Nullable;

/**
 * What a {@linkplain TieredMemoryObservationDocumentation#REQUEST request observation} knows: set
 * when the request starts (store, operation, key) and when it completes (tier, result, whether a
 * put created the memory, the hits of a search). The exception thrown, if any, is {@link
 * #getError()}.
 */
public class TieredMemoryRequestContext extends Observation.Context {
  private final String storeName;
  private final Operation operation;
  private final @Nullable String key;
  private @Nullable Tier tier;
  private @Nullable RequestResult result;
  private @Nullable Boolean created;
  private int hits = -1;

  /**
   * @param key the memory's key, or {@code null}: for a search, or when record ids are not opted in
   */
  public TieredMemoryRequestContext(String storeName, Operation operation, @Nullable String key) {
    this.storeName = storeName;
    this.operation = operation;
    this.key = key;
  }

  /** The store's name. */
  public String storeName() {
    return storeName;
  }

  /** What was asked. */
  public Operation operation() {
    return operation;
  }

  /**
   * The memory's key, only when record ids are {@linkplain
   * TieredMemoryObservations.Builder#recordIds(boolean) opted in}; {@code null} otherwise and for
   * searches.
   */
  public @Nullable String key() {
    return key;
  }

  /** The tier that served, once completed; {@code null} before and for misses and errors. */
  public @Nullable Tier tier() {
    return tier;
  }

  /** How it ended; {@code null} until it completed. */
  public @Nullable RequestResult result() {
    return result;
  }

  /**
   * For a put that stored its version: whether it created the memory (true) or replaced one
   * (false); {@code null} before, and for other operations and failed puts.
   */
  public @Nullable Boolean created() {
    return created;
  }

  /** The results of a search, or {@code -1} (other operations, or not completed). */
  public int hits() {
    return hits;
  }

  void completed(@Nullable Tier tier, RequestResult result) {
    this.tier = tier;
    this.result = result;
  }

  void created(boolean created) {
    this.created = created;
  }

  void hits(int hits) {
    this.hits = hits;
  }
}
