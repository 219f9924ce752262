package io.tieredmemory.metrics;

import io.micrometer.observation.Observation;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.policy.MoveReason;
import org.jspecify.annotations.Nullable;

/**
 * What a {@linkplain TieredMemoryObservationDocumentation#MOVEMENT movement observation} knows:
 * store, tiers, reason and (opted in) key when it starts, how many memories it moved when it ends.
 * The exception thrown, if any, is {@link #getError()}.
 */
public class TieredMemoryMovementContext extends Observation.Context {
  private final String storeName;
  private final Tier from;
  private final Tier to;
  private final MoveReason reason;
  private final @Nullable String key;
  private int moved = -1;

  /**
   * @param key the memory's key, or {@code null}: for an archive batch, or when record ids are not
   *     opted in
   */
  public TieredMemoryMovementContext(
      String storeName, Tier from, Tier to, MoveReason reason, @Nullable String key) {
    this.storeName = storeName;
    this.from = from;
    this.to = to;
    this.reason = reason;
    this.key = key;
  }

  /** The store's name. */
  public String storeName() {
    return storeName;
  }

  /** Where the memory was. */
  public Tier from() {
    return from;
  }

  /** Where it goes. */
  public Tier to() {
    return to;
  }

  /** Why. */
  public MoveReason reason() {
    return reason;
  }

  /** The memory's key when opted in and the move is of one memory; else {@code null}. */
  public @Nullable String key() {
    return key;
  }

  /** How many memories moved, once ended ({@code 0}: nothing left to move, or failed); else -1. */
  public int moved() {
    return moved;
  }

  void moved(int moved) {
    this.moved = moved;
  }
}
