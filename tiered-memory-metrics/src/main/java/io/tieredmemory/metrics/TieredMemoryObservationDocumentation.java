package io.tieredmemory.metrics;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations of a tiered store ({@link TieredMemoryObservations}), documented as Micrometer
 * documents its own: each with its name, default convention and key names. Attribute names follow
 * OpenTelemetry's GenAI memory conventions ({@code gen_ai.*}, development stability) where they
 * define one, and are the library's own ({@code tiered_memory.*}) elsewhere. docs/metrics.md
 * ("Traces") has the table.
 *
 * <p>Low-cardinality key values (store, operation, tier, result, tiers and reason of a move) take
 * their values from enums and the store's name, so a meter made of an observation (Micrometer's
 * {@code DefaultMeterObservationHandler}) has a bounded number of series. The memory's key, a count
 * and an error type are high-cardinality key values: spans only, never meter tags; the key only
 * when {@link TieredMemoryObservations.Builder#recordIds(boolean) opted in}.
 */
public enum TieredMemoryObservationDocumentation implements ObservationDocumentation {

  /** A {@code get}, {@code put}, {@code delete} or {@code search}, from call to result. */
  REQUEST {
    @Override
    public String getName() {
      return DefaultTieredMemoryRequestConvention.NAME;
    }

    @Override
    public Class<? extends ObservationConvention<? extends Observation.Context>>
        getDefaultConvention() {
      return DefaultTieredMemoryRequestConvention.class;
    }

    @Override
    public KeyName[] getLowCardinalityKeyNames() {
      return KeyName.merge(CommonKeys.values(), RequestKeys.values());
    }

    @Override
    public KeyName[] getHighCardinalityKeyNames() {
      return HighCardinalityKeys.values();
    }
  },

  /**
   * A move between tiers: a promotion, demotion, rehydration, or a batch of archives, from before
   * its key's lock is taken to after it is released.
   */
  MOVEMENT {
    @Override
    public String getName() {
      return DefaultTieredMemoryMovementConvention.NAME;
    }

    @Override
    public Class<? extends ObservationConvention<? extends Observation.Context>>
        getDefaultConvention() {
      return DefaultTieredMemoryMovementConvention.class;
    }

    @Override
    public KeyName[] getLowCardinalityKeyNames() {
      return KeyName.merge(CommonKeys.values(), MovementKeys.values());
    }

    @Override
    public KeyName[] getHighCardinalityKeyNames() {
      return HighCardinalityKeys.values();
    }
  },

  /** A sweep; the moves it makes are its children. */
  SWEEP {
    @Override
    public String getName() {
      return DefaultTieredMemorySweepConvention.NAME;
    }

    @Override
    public Class<? extends ObservationConvention<? extends Observation.Context>>
        getDefaultConvention() {
      return DefaultTieredMemorySweepConvention.class;
    }

    @Override
    public KeyName[] getLowCardinalityKeyNames() {
      return CommonKeys.values();
    }
  };

  /** On every observation of a store. */
  public enum CommonKeys implements KeyName {
    /** {@code gen_ai.memory.store.id}: the store's name. */
    STORE_ID {
      @Override
      public String asString() {
        return "gen_ai.memory.store.id";
      }
    },

    /**
     * {@code tiered_memory.result}: {@code hit}, {@code miss}, {@code success} or {@code error} for
     * a request; {@code success} (moved), {@code skipped} (nothing left to move) or {@code error}
     * for a move; {@code success} or {@code error} (a step failed) for a sweep.
     */
    RESULT {
      @Override
      public String asString() {
        return "tiered_memory.result";
      }
    }
  }

  /** On requests. */
  public enum RequestKeys implements KeyName {
    /**
     * {@code gen_ai.operation.name}: {@code search_memory} (a search, and a get: the conventions
     * define no lookup by id, and call search_memory what queries or retrieves records), {@code
     * create_memory} or {@code update_memory} (a put, see {@link
     * io.tieredmemory.core.spi.TierObserver#putStored}; {@code upsert_memory} when a failed put
     * cannot tell), {@code delete_memory}.
     */
    OPERATION_NAME {
      @Override
      public String asString() {
        return "gen_ai.operation.name";
      }
    },

    /**
     * {@code tiered_memory.operation}: the store's own name of the call, {@code get}, {@code put},
     * {@code delete} or {@code search} (tells a get from a search).
     */
    OPERATION {
      @Override
      public String asString() {
        return "tiered_memory.operation";
      }
    },

    /**
     * {@code tiered_memory.tier}: the tier that served ({@code hot}, {@code warm}, {@code cold}: a
     * get hit, the top search result; {@code warm} for a put or delete), {@code none} for misses
     * and errors.
     */
    TIER {
      @Override
      public String asString() {
        return "tiered_memory.tier";
      }
    }
  }

  /** On movements. */
  public enum MovementKeys implements KeyName {
    /** {@code tiered_memory.move.from}: {@code hot}, {@code warm} or {@code cold}. */
    FROM {
      @Override
      public String asString() {
        return "tiered_memory.move.from";
      }
    },

    /** {@code tiered_memory.move.to}: {@code hot}, {@code warm} or {@code cold}. */
    TO {
      @Override
      public String asString() {
        return "tiered_memory.move.to";
      }
    },

    /**
     * {@code tiered_memory.move.reason}: the policy's reason, e.g. {@code read_frequency}, {@code
     * hot_idle}, {@code hot_capacity}, {@code warm_idle}, {@code cold_read}.
     */
    REASON {
      @Override
      public String asString() {
        return "tiered_memory.move.reason";
      }
    }
  }

  /** Spans only: never meter tags. */
  public enum HighCardinalityKeys implements KeyName {
    /**
     * {@code gen_ai.memory.record.id}: the memory's key, only when {@link
     * TieredMemoryObservations.Builder#recordIds(boolean)} opted in (absent for searches and
     * archive batches).
     */
    RECORD_ID {
      @Override
      public String asString() {
        return "gen_ai.memory.record.id";
      }
    },

    /** {@code gen_ai.memory.record.count}: the results of a search, the memories a move moved. */
    RECORD_COUNT {
      @Override
      public String asString() {
        return "gen_ai.memory.record.count";
      }
    },

    /** {@code error.type}: the class of the exception thrown, when one was. */
    ERROR_TYPE {
      @Override
      public String asString() {
        return "error.type";
      }
    }
  }
}
