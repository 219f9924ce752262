package io.tieredmemory.metrics;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/** What a {@linkplain TieredMemoryObservationDocumentation#SWEEP sweep observation} knows. */
public class TieredMemorySweepContext extends Observation.Context {
  private final String storeName;
  private @Nullable Boolean success;

  public TieredMemorySweepContext(String storeName) {
    this.storeName = storeName;
  }

  /** The store's name. */
  public String storeName() {
    return storeName;
  }

  /** Whether every step succeeded, once completed; {@code null} before. */
  public @Nullable Boolean success() {
    return success;
  }

  void completed(boolean success) {
    this.success = success;
  }
}
