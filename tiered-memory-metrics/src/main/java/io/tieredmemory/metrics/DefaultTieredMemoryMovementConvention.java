package io.tieredmemory.metrics;

import io.micrometer.common.KeyValues;
import io.tieredmemory.core.Tier;
import io.tieredmemory.metrics.TieredMemoryObservationDocumentation.CommonKeys;
import io.tieredmemory.metrics.TieredMemoryObservationDocumentation.HighCardinalityKeys;
import io.tieredmemory.metrics.TieredMemoryObservationDocumentation.MovementKeys;

/**
 * The default {@link TieredMemoryMovementConvention}: observation {@value #NAME}, span named after
 * the move and the store: {@code promote agent} (warm to hot), {@code demote agent} (hot to warm),
 * {@code archive agent} (warm to cold), {@code rehydrate agent} (cold to warm). OpenTelemetry's
 * GenAI conventions define no movement, so no {@code gen_ai.operation.name} is set.
 */
public class DefaultTieredMemoryMovementConvention implements TieredMemoryMovementConvention {
  /** The observation's name (and the name of a meter made of it). */
  public static final String NAME = "tiered.memory.move";

  /** A shared instance. */
  public static final DefaultTieredMemoryMovementConvention INSTANCE =
      new DefaultTieredMemoryMovementConvention();

  /** For subclasses; others use {@link #INSTANCE}. */
  public DefaultTieredMemoryMovementConvention() {}

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public String getContextualName(TieredMemoryMovementContext context) {
    return verb(context.from(), context.to()) + " " + context.storeName();
  }

  @Override
  public KeyValues getLowCardinalityKeyValues(TieredMemoryMovementContext context) {
    String result;
    if (context.getError() != null) {
      result = "error";
    } else if (context.moved() < 0) {
      result = "none";
    } else {
      result = context.moved() > 0 ? "success" : "skipped";
    }
    return KeyValues.of(
        CommonKeys.STORE_ID.withValue(context.storeName()),
        CommonKeys.RESULT.withValue(result),
        MovementKeys.FROM.withValue(context.from().label()),
        MovementKeys.TO.withValue(context.to().label()),
        MovementKeys.REASON.withValue(context.reason().label()));
  }

  @Override
  public KeyValues getHighCardinalityKeyValues(TieredMemoryMovementContext context) {
    KeyValues values = KeyValues.empty();
    String key = context.key();
    if (key != null) {
      values = values.and(HighCardinalityKeys.RECORD_ID.withValue(key));
    }
    if (context.moved() >= 0) {
      values =
          values.and(HighCardinalityKeys.RECORD_COUNT.withValue(Integer.toString(context.moved())));
    }
    Throwable error = context.getError();
    if (error != null) {
      values = values.and(HighCardinalityKeys.ERROR_TYPE.withValue(error.getClass().getName()));
    }
    return values;
  }

  /** {@code promote}, {@code demote}, {@code archive}, {@code rehydrate}, else {@code move}. */
  protected static String verb(Tier from, Tier to) {
    if (from == Tier.WARM && to == Tier.HOT) {
      return "promote";
    }
    if (from == Tier.HOT && to == Tier.WARM) {
      return "demote";
    }
    if (from == Tier.WARM && to == Tier.COLD) {
      return "archive";
    }
    if (from == Tier.COLD && to == Tier.WARM) {
      return "rehydrate";
    }
    return "move";
  }
}
