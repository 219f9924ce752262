package io.tieredmemory.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.core.Kinds;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.testkit.FaultyTierStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * docs/metrics.md lists exactly the meters the code registers, with their types, units and tags. A
 * tag in brackets ({@code [kind]}) is there only for stores with kinds configured.
 */
class MetricsDocTest {

  /** One documented meter: type, unit, tag keys. */
  record Doc(String type, String unit, String tags) {}

  static Map<String, Doc> documented() throws IOException {
    Path doc = Path.of("..", "docs", "metrics.md");
    Map<String, Doc> rows = new TreeMap<>();
    for (String line : Files.readAllLines(doc)) {
      if (!line.startsWith("| `tiered.")) {
        continue;
      }
      String[] cells = line.split("\\|");
      String name = cells[1].trim().replace("`", "");
      String type = cells[2].trim().replaceAll(" \\(.*\\)", "");
      String tags = cells[4].trim().equals("(none)") ? "" : cells[4].trim().replace(" ", "");
      rows.put(name, new Doc(type, cells[3].trim(), tags));
    }
    return rows;
  }

  static Map<String, Doc> registered() {
    return registered(false);
  }

  static Map<String, Doc> registered(boolean kinds) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DecisionFeed.builder().registry(registry).build();
    TieredMemory.Builder builder =
        TieredMemory.builder("doc")
            // the test tiers say they are remote: make each read's move before it returns,
            // so what the test checks next does not race a background move
            .readMoves(ReadMoves.CALLER)
            .discoverObservers(false)
            .hot(new FaultyTierStore(InProcessTiers.hot()))
            .observer(TieredMemoryMetrics.of(registry));
    if (kinds) {
      builder.kinds(Kinds.byMetadata("kind"));
    }
    try (TieredMemory store = builder.build()) {
      store.get("doc"); // a remote tier's backend meters are registered at its first call
      Map<String, Doc> found = new TreeMap<>();
      for (Meter m : registry.getMeters()) {
        TreeSet<String> keys = new TreeSet<>();
        for (Tag t : m.getId().getTags()) {
          keys.add(t.getKey());
        }
        String type =
            switch (m.getId().getType()) {
              case COUNTER -> "counter";
              case GAUGE -> "gauge";
              case TIMER -> "timer";
              case DISTRIBUTION_SUMMARY -> "distribution summary";
              default -> m.getId().getType().name();
            };
        String unit = type.equals("timer") ? "seconds" : m.getId().getBaseUnit();
        found.put(m.getId().getName(), new Doc(type, unit, String.join(",", keys)));
      }
      return found;
    }
  }

  @Test
  void metricsDoc_listsExactlyTheRegisteredMeters() throws IOException {
    Map<String, Doc> doc = documented();
    for (boolean kinds : new boolean[] {false, true}) {
      Map<String, Doc> code = registered(kinds);
      assertThat(doc.keySet())
          .isEqualTo(code.keySet())
          .isEqualTo(new TreeSet<>(MetricNames.defaults().all()));
      for (String name : code.keySet()) {
        Doc d = doc.get(name);
        Doc c = code.get(name);
        assertThat(d.type()).as("type of %s", name).isEqualTo(c.type());
        assertThat(sorted(d.tags(), kinds))
            .as("tags of %s (kinds configured: %s)", name, kinds)
            .isEqualTo(c.tags());
        if (c.unit() != null) {
          assertThat(d.unit()).as("unit of %s", name).isEqualTo(c.unit());
        }
      }
    }
  }

  /** The documented tags, sorted: a bracketed tag counts only when kinds are configured. */
  private static String sorted(String tags, boolean kinds) {
    TreeSet<String> keys = new TreeSet<>();
    for (String t : tags.isEmpty() ? new String[0] : tags.split(",")) {
      if (t.startsWith("[")) {
        if (kinds) {
          keys.add(t.substring(1, t.length() - 1));
        }
      } else {
        keys.add(t);
      }
    }
    return String.join(",", keys);
  }
}
