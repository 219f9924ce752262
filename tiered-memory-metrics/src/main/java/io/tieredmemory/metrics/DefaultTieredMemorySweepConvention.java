package io.tieredmemory.metrics;

import io.micrometer.common.KeyValues;
import io.tieredmemory.metrics.TieredMemoryObservationDocumentation.CommonKeys;

/**
 * The default {@link TieredMemorySweepConvention}: observation {@value #NAME}, span named {@code
 * sweep <store>}; the moves the sweep makes are its child spans.
 */
public class DefaultTieredMemorySweepConvention implements TieredMemorySweepConvention {
  /** The observation's name (and the name of a meter made of it). */
  public static final String NAME = "tiered.memory.sweep";

  /** A shared instance. */
  public static final DefaultTieredMemorySweepConvention INSTANCE =
      new DefaultTieredMemorySweepConvention();

  /** For subclasses; others use {@link #INSTANCE}. */
  public DefaultTieredMemorySweepConvention() {}

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public String getContextualName(TieredMemorySweepContext context) {
    return "sweep " + context.storeName();
  }

  @Override
  public KeyValues getLowCardinalityKeyValues(TieredMemorySweepContext context) {
    Boolean success = context.success();
    return KeyValues.of(
        CommonKeys.STORE_ID.withValue(context.storeName()),
        CommonKeys.RESULT.withValue(success == null ? "none" : success ? "success" : "error"));
  }
}
