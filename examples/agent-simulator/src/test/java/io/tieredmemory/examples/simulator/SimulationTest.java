package io.tieredmemory.examples.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SimulationTest {

  @Test
  @Timeout(value = 15, unit = TimeUnit.SECONDS)
  void everyKindOfMovementHappensWithinSecondsAndNothingFails() {
    List<String> lines = new ArrayList<>();
    SimulationTotals totals;
    try (Simulation simulation = new Simulation(SimulatorOptions.DEFAULT_SEED)) {
      // Stops as soon as all four kinds were seen (about 6s); 12s is the budget on a slow machine.
      totals =
          simulation.run(
              Optional.of(Duration.ofSeconds(12)),
              t -> lines.add(AgentSimulator.progressLine(t)),
              t -> t.movements().everyKindSeen());
    }

    String context = String.join("\n", lines);
    assertThat(totals.movements().promoted()).as(context).isPositive();
    assertThat(totals.movements().demoted()).as(context).isPositive();
    assertThat(totals.movements().archived()).as(context).isPositive();
    assertThat(totals.movements().rehydrated()).as(context).isPositive();
    assertThat(totals.errors()).as(totals.lastError().orElse("no error")).isZero();
    assertThat(totals.hits().cold()).as("rehydrations come from cold reads").isPositive();
    assertThat(totals.agent().writes()).isGreaterThan(AgentWorkload.STARTING_MEMORIES);
    assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(line).doesNotContain("\n"));
  }

  @Test
  void argumentsAreParsedAndBadOnesAreNamed() throws Exception {
    SimulatorOptions defaults = SimulatorOptions.parse();
    assertThat(defaults.duration()).isEmpty();
    assertThat(defaults.seed()).isEqualTo(42);

    SimulatorOptions given = SimulatorOptions.parse("--duration", "10", "--seed=7");
    assertThat(given.duration()).contains(Duration.ofSeconds(10));
    assertThat(given.seed()).isEqualTo(7);
    assertThat(SimulatorOptions.parse("--help").help()).isTrue();

    assertUsageError("--duration must be a positive whole number", "--duration", "0");
    assertUsageError("--duration must be a positive whole number", "--duration=ten");
    assertUsageError("--seed needs a value", "--seed");
    assertUsageError("--seed must be a whole number", "--seed", "x");
    assertUsageError("unknown argument '--fast'", "--fast");
  }

  private static void assertUsageError(String message, String... args) {
    assertThatThrownBy(() -> SimulatorOptions.parse(args))
        .isInstanceOf(SimulatorOptions.UsageException.class)
        .hasMessageContaining(message);
  }
}
