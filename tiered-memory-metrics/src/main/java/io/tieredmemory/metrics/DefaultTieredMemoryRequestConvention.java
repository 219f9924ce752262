package io.tieredmemory.metrics;

import io.micrometer.common.KeyValues;
import io.tieredmemory.core.Operation;
import io.tieredmemory.core.RequestResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.metrics.TieredMemoryObservationDocumentation.CommonKeys;
import io.tieredmemory.metrics.TieredMemoryObservationDocumentation.HighCardinalityKeys;
import io.tieredmemory.metrics.TieredMemoryObservationDocumentation.RequestKeys;

/**
 * The default {@link TieredMemoryRequestConvention}: observation {@value #NAME}, span named {@code
 * <gen_ai.operation.name> <store>} (e.g. {@code search_memory agent}), as OpenTelemetry's GenAI
 * memory conventions name a memory span. Extend it to add or change key values.
 */
public class DefaultTieredMemoryRequestConvention implements TieredMemoryRequestConvention {
  /** The observation's name (and the name of a meter made of it). */
  public static final String NAME = "tiered.memory.request";

  /** A shared instance. */
  public static final DefaultTieredMemoryRequestConvention INSTANCE =
      new DefaultTieredMemoryRequestConvention();

  /** For subclasses; others use {@link #INSTANCE}. */
  public DefaultTieredMemoryRequestConvention() {}

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public String getContextualName(TieredMemoryRequestContext context) {
    return operationName(context) + " " + context.storeName();
  }

  @Override
  public KeyValues getLowCardinalityKeyValues(TieredMemoryRequestContext context) {
    Tier tier = context.tier();
    RequestResult result = context.result();
    return KeyValues.of(
        CommonKeys.STORE_ID.withValue(context.storeName()),
        CommonKeys.RESULT.withValue(
            result != null
                ? result.label()
                : context.getError() != null ? RequestResult.ERROR.label() : "none"),
        RequestKeys.OPERATION_NAME.withValue(operationName(context)),
        RequestKeys.OPERATION.withValue(context.operation().label()),
        RequestKeys.TIER.withValue(tier != null ? tier.label() : "none"));
  }

  @Override
  public KeyValues getHighCardinalityKeyValues(TieredMemoryRequestContext context) {
    KeyValues values = KeyValues.empty();
    String key = context.key();
    if (key != null) {
      values = values.and(HighCardinalityKeys.RECORD_ID.withValue(key));
    }
    if (context.hits() >= 0) {
      values =
          values.and(HighCardinalityKeys.RECORD_COUNT.withValue(Integer.toString(context.hits())));
    }
    Throwable error = context.getError();
    if (error != null) {
      values = values.and(HighCardinalityKeys.ERROR_TYPE.withValue(error.getClass().getName()));
    }
    return values;
  }

  /**
   * {@code gen_ai.operation.name}: {@code search_memory} for a search and a get, {@code
   * create_memory} / {@code update_memory} for a put (as {@link
   * TieredMemoryRequestContext#created()} says; {@code upsert_memory} while unknown), {@code
   * delete_memory}.
   */
  protected String operationName(TieredMemoryRequestContext context) {
    Operation operation = context.operation();
    switch (operation) {
      case GET:
      case SEARCH:
        return "search_memory";
      case DELETE:
        return "delete_memory";
      case PUT:
        Boolean created = context.created();
        return created == null ? "upsert_memory" : created ? "create_memory" : "update_memory";
    }
    throw new AssertionError(operation);
  }
}
