package io.tieredmemory.metrics;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.tieredmemory.core.TieredMemory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The observations themselves, on Micrometer's {@link TestObservationRegistry}: started and
 * stopped, their key values, keys never low-cardinality, a custom convention, one store per
 * instance.
 */
class ObservationsTest {
  private final TestObservationRegistry registry = TestObservationRegistry.create();

  private static TieredMemory store(String name, TieredMemoryObservations o) {
    return TieredMemory.builder(name).discoverObservers(false).observer(o).build();
  }

  @Test
  void aPut_isAStartedAndStoppedObservation_withItsLowCardinalityKeyValues() {
    try (TieredMemory s = store("agent", TieredMemoryObservations.of(registry))) {
      s.put("k", "v");
    }
    assertThat(registry)
        .hasObservationWithNameEqualTo("tiered.memory.request")
        .that()
        .hasBeenStarted()
        .hasBeenStopped()
        .hasContextualNameEqualTo("create_memory agent")
        .hasLowCardinalityKeyValue("gen_ai.operation.name", "create_memory")
        .hasLowCardinalityKeyValue("gen_ai.memory.store.id", "agent")
        .hasLowCardinalityKeyValue("tiered_memory.operation", "put")
        .hasLowCardinalityKeyValue("tiered_memory.tier", "warm")
        .hasLowCardinalityKeyValue("tiered_memory.result", "success")
        .doesNotHaveHighCardinalityKeyValueWithKey("gen_ai.memory.record.id");
  }

  @Test
  void anOptedInKey_isAHighCardinalityKeyValue_neverALowCardinalityOne() {
    List<Observation.Context> stopped = new CopyOnWriteArrayList<>();
    registry
        .observationConfig()
        .observationHandler(
            new ObservationHandler<>() {
              @Override
              public boolean supportsContext(Observation.Context context) {
                return true;
              }

              @Override
              public void onStop(Observation.Context context) {
                stopped.add(context);
              }
            });
    try (TieredMemory s =
        store("agent", TieredMemoryObservations.builder(registry).recordIds(true).build())) {
      s.put("secret-key", "v");
      s.get("secret-key");
    }
    assertThat(stopped)
        .hasSize(2)
        .allSatisfy(
            c -> {
              assertThat(c.getHighCardinalityKeyValue("gen_ai.memory.record.id"))
                  .extracting(KeyValue::getValue)
                  .isEqualTo("secret-key");
              assertThat(c.getLowCardinalityKeyValues())
                  .noneMatch(kv -> kv.getValue().contains("secret"));
            });
  }

  @Test
  void aCustomConvention_extendsTheDefault() {
    TieredMemoryRequestConvention custom =
        new DefaultTieredMemoryRequestConvention() {
          @Override
          public KeyValues getLowCardinalityKeyValues(TieredMemoryRequestContext context) {
            return super.getLowCardinalityKeyValues(context).and("team", "search");
          }
        };
    try (TieredMemory s =
        store(
            "agent",
            TieredMemoryObservations.builder(registry).requestConvention(custom).build())) {
      s.get("k");
    }
    assertThat(registry)
        .hasObservationWithNameEqualTo("tiered.memory.request")
        .that()
        .hasLowCardinalityKeyValue("team", "search")
        .hasLowCardinalityKeyValue("tiered_memory.result", "miss");
  }

  @Test
  void oneInstance_observesOneStore() {
    TieredMemoryObservations o = TieredMemoryObservations.of(registry);
    try (TieredMemory first = store("first", o)) {
      assertThatThrownBy(() -> store("second", o))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("'first'");
      first.get("k");
    }
    assertThat(registry)
        .hasObservationWithNameEqualTo("tiered.memory.request")
        .that()
        .hasLowCardinalityKeyValue("gen_ai.memory.store.id", "first");
  }
}
