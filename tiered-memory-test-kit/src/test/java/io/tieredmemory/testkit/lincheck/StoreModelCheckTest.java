package io.tieredmemory.testkit.lincheck;

import static org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt.forClasses;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.testkit.ManualClock;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import kotlin.Unit;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.CustomScenarioDSLKt;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * Lincheck's model checker on the in-process store: it instruments the code and explores thread
 * switches at every shared-memory access, lock and park, and checks each result against a map.
 * Complementary to {@code InterleavingsTest}, whose scheduler switches only at tier calls and locks
 * but runs two instances, faults and thousands of operations: here, a few operations, switched
 * everywhere. Hand-written scenarios aim at the races that matter (random ones rarely take that
 * shape); on the code before issue 11 the first one finds the miss during a rehydration in about 13
 * s.
 *
 * <p>Settings that avoid false reports: an 8-dimension embedder and a loop bound of 1,000 (the
 * default 50 takes a 256-step vector loop, or a scan of a hash table, for a livelock), and the
 * JDK's collections treated as atomic except their {@code compute*} methods, which call back into
 * the store.
 */
@Param(name = "key", gen = IntGen.class, conf = "1:2")
@Param(name = "value", gen = IntGen.class, conf = "1:3")
public class StoreModelCheckTest {
  private final ManualClock clock = new ManualClock();
  private final TieredMemory store =
      TieredMemory.builder("lincheck")
          .clock(clock)
          .embedder(Embedder.hashing(8))
          .policy(
              TieringPolicy.custom()
                  .promoteAfter(1, Duration.ofMinutes(10))
                  .demoteWhenIdle(Duration.ofMillis(1))
                  .archiveWhenIdle(Duration.ofMillis(2))
                  .hotCapacity(1)
                  .sweepBatchSize(2)
                  .build())
          .disableScheduledSweeps()
          .discoverObservers(false)
          .build();

  @Operation
  public void put(@Param(name = "key") int key, @Param(name = "value") int value) {
    store.put("k" + key, "v" + value);
  }

  @Operation
  public String get(@Param(name = "key") int key) {
    return store.get("k" + key).map(Memory::content).orElse(null);
  }

  @Operation
  public boolean delete(@Param(name = "key") int key) {
    return store.delete("k" + key);
  }

  /** Moves the clock past every idle rule, then sweeps: demotes, archives. */
  @Operation
  public void sweep() {
    clock.advance(Duration.ofMillis(5));
    store.sweep();
  }

  /** The sequential specification: the tiers are invisible to a caller, so a map. */
  public static class Spec {
    private final Map<String, String> map = new HashMap<>();

    public void put(int key, int value) {
      map.put("k" + key, "v" + value);
    }

    public String get(int key) {
      return map.get("k" + key);
    }

    public boolean delete(int key) {
      return map.remove("k" + key) != null;
    }

    public void sweep() {}
  }

  /** An archived memory read by two threads at once: each read may rehydrate it. */
  @Test
  void readsOfAnArchivedMemory_racingItsRehydration() {
    check(
        500,
        scenario(
            List.of(actor("put", 1, 1), actor("sweep")),
            List.of(actor("get", 1)),
            List.of(actor("get", 1))));
  }

  /** A write and a delete racing a read served by HOT, then WARM after the sweep demotes it. */
  @Test
  void putAndDelete_racingReadsAndASweep() {
    check(
        500,
        scenario(
            List.of(actor("put", 1, 1), actor("get", 1)),
            List.of(actor("put", 1, 2), actor("get", 1)),
            List.of(actor("delete", 1), actor("sweep"), actor("get", 1))));
  }

  /** Random scenarios of two threads, three operations each, after two set-up operations. */
  @Test
  void randomScenarios() {
    tuned(new ModelCheckingOptions())
        .iterations(6)
        .invocationsPerIteration(100)
        .threads(2)
        .actorsPerThread(3)
        .actorsBefore(2)
        .actorsAfter(1)
        .check(getClass());
  }

  private void check(int invocations, ExecutionScenario scenario) {
    tuned(new ModelCheckingOptions())
        .iterations(0) // only the scenario given
        .invocationsPerIteration(invocations)
        .addCustomScenario(scenario)
        .check(getClass());
  }

  private static ModelCheckingOptions tuned(ModelCheckingOptions o) {
    o.sequentialSpecification(Spec.class).loopBound(1_000).loopIterationsBeforeThreadSwitch(100);
    o.addGuarantee(
        forClasses("java.util.concurrent.ConcurrentHashMap")
            .methods(name -> !name.startsWith("compute"))
            .treatAsAtomic());
    o.addGuarantee(
        forClasses(
                "java.util.HashMap",
                "java.util.TreeMap",
                "java.util.LinkedHashMap",
                "java.util.HashSet",
                "java.util.LinkedHashSet",
                "java.util.ArrayList")
            .methods(name -> !name.startsWith("compute"))
            .treatAsAtomic());
    return o;
  }

  private static Actor actor(String name, Object... args) {
    for (Method m : StoreModelCheckTest.class.getMethods()) {
      if (m.getName().equals(name) && m.isAnnotationPresent(Operation.class)) {
        return new Actor(m, List.of(args));
      }
    }
    throw new IllegalArgumentException("no operation named " + name);
  }

  /** A scenario: {@code initial} runs first, then each of {@code threads} in parallel. */
  @SafeVarargs
  private static ExecutionScenario scenario(List<Actor> initial, List<Actor>... threads) {
    return CustomScenarioDSLKt.scenario(
        b -> {
          b.initial(t -> run(t, initial));
          b.parallel(
              p -> {
                for (List<Actor> thread : threads) {
                  p.thread(t -> run(t, thread));
                }
                return Unit.INSTANCE;
              });
          return Unit.INSTANCE;
        });
  }

  private static Unit run(List<Actor> into, List<Actor> actors) {
    Consumer<Actor> add = into::add;
    actors.forEach(add);
    return Unit.INSTANCE;
  }
}
