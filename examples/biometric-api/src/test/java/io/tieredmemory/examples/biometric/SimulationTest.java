package io.tieredmemory.examples.biometric;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The agent simulator against the real service over HTTP, with the demo policy sped up: every
 * signal a dashboard panel shows must move, not only the four movements.
 */
class SimulationTest {

  @Test
  @Timeout(60)
  void simulator_makesEverySignalMove() throws IOException, InterruptedException {
    BiometricService.Settings settings =
        BiometricService.Settings.scaled(ServiceConfig.defaults().withPort(0), 0.3)
            .withFaultRate(0.1);
    List<String> progress = new ArrayList<>();
    Map<String, Double> signals;
    SimulatedAgent agent;
    try (BiometricService service = BiometricService.start(settings)) {
      Duration recallAge =
          settings.policy().archive().idle().plus(settings.sweepEvery().multipliedBy(2));
      agent = new SimulatedAgent(service.uri(), 7, recallAge);
      agent.start();
      long start = System.nanoTime();
      Duration budget = Duration.ofSeconds(30);
      do {
        Thread.sleep(500);
        signals = signals(service.registry());
        progress.add(
            ProgressLine.render(service.registry(), Duration.ofNanos(System.nanoTime() - start)));
      } while (signals.containsValue(0.0) && System.nanoTime() - start < budget.toNanos());
      agent.close();
    }

    String context =
        String.join("\n", progress) + "\nagent: " + agent.statuses() + "\nsignals: " + signals;
    assertThat(signals).as(context).doesNotContainValue(0.0);
    // The line the demo prints counts the gets too (it once read them as plain counters: 0).
    java.util.regex.Matcher gets =
        java.util.regex.Pattern.compile("gets hot=(\\d+) warm=(\\d+) cold=(\\d+)")
            .matcher(progress.get(progress.size() - 1));
    assertThat(gets.find()).as(context).isTrue();
    for (int tier = 1; tier <= 3; tier++) {
      assertThat(Long.parseLong(gets.group(tier))).as(context).isPositive();
    }
    assertThat(agent.failures()).as(agent.lastFailure()).isZero();
  }

  /** Each signal a panel of the dashboard or the live view shows, by name. */
  private static Map<String, Double> signals(MeterRegistry r) {
    Map<String, Double> s = new LinkedHashMap<>();
    s.put("promoted", count(movements(r).tag("from", "warm").tag("to", "hot")));
    s.put("demoted", count(movements(r).tag("from", "hot").tag("to", "warm")));
    s.put("archived", count(movements(r).tag("from", "warm").tag("to", "cold")));
    s.put("rehydrated", count(movements(r).tag("from", "cold").tag("to", "warm")));
    s.put("evicted", count(r.find("tiered.memory.evictions")));
    for (String tier : new String[] {"hot", "warm", "cold"}) {
      s.put("get hit " + tier, count(gets(r).tag("tier", tier).tag("result", "hit")));
    }
    s.put("get miss", count(gets(r).tag("result", "miss")));
    s.put("get error", count(gets(r).tag("result", "error")));
    s.put("search", count(r.find("tiered.memory.requests").tag("operation", "search")));
    s.put("put", count(r.find("tiered.memory.requests").tag("operation", "put")));
    s.put(
        "search similarity",
        (double) r.find("tiered.memory.search.top.similarity").summary().count());
    s.put(
        "sweeps",
        (double)
            r.find("tiered.memory.sweep.duration").timers().stream()
                .mapToLong(t -> t.count())
                .sum());
    for (String status : new String[] {"201", "400", "404"}) {
      s.put("webhook " + status, count(r.find(WebhookMetrics.REQUESTS).tag("status", status)));
    }
    return s;
  }

  private static Search movements(MeterRegistry r) {
    return r.find("tiered.memory.movements");
  }

  private static Search gets(MeterRegistry r) {
    return r.find("tiered.memory.requests").tag("operation", "get");
  }

  /** Counters and function counters alike ({@code tiered.memory.requests} is summed at scrape). */
  private static double count(Search search) {
    double n = 0;
    for (Counter c : search.counters()) {
      n += c.count();
    }
    for (FunctionCounter c : search.functionCounters()) {
      n += c.count();
    }
    return n;
  }
}
