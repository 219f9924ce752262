package io.tieredmemory.examples.biometric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.tieredmemory.testservers.ScrapingPrometheus;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every query of the shipped Grafana dashboard returns data from a real Prometheus that scraped the
 * example service under load, on real Redis, PostgreSQL and Chroma (so the backend panels have
 * series too). Grafana itself cannot run here: this is the next best proof that the panels show
 * something.
 */
class DashboardQueriesIT {
  private static final Duration PERIOD = Duration.ofMillis(5_000);

  /** Some sweep found memories due for archiving (the Plan backlog panel above zero). */
  private static final ScrapingPrometheus.Query ARCHIVES_DUE =
      new ScrapingPrometheus.Query(
          "Plan backlog",
          "archives_due",
          "max_over_time(tiered_memory_plan_pending{reason=\"warm_idle\"}[5m]) > 0");

  @Test
  @Timeout(240)
  void everyDashboardQuery_returnsData_fromPrometheusScrapingTheDemo() throws Exception {
    List<ScrapingPrometheus.Query> queries = ScrapingPrometheus.dashboardQueries();
    assertThat(queries).hasSizeGreaterThan(20);

    String run = UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put(ServiceConfig.PORT, "0");
    env.put(ServiceConfig.REDIS_PREFIX, "tm:dashboard-it-" + run + ":");
    env.put(ServiceConfig.PG_TABLE, "dashboard_it_" + run);
    env.put(ServiceConfig.CHROMA_COLLECTION, "dashboard-it-" + run);
    ServiceConfig config = ServiceConfig.load(env, new Properties());
    try {
      config.requireReal();
    } catch (ServiceConfig.ConfigException e) {
      fail(e.getMessage() + " (scripts/test.sh starts the servers and sets them)");
    }
    BiometricService.Settings settings = BiometricService.Settings.scaled(config, 0.3);
    try (BiometricService service = BiometricService.start(settings);
        ScrapingPrometheus prometheus =
            ScrapingPrometheus.start("127.0.0.1:" + service.port(), "/metrics")) {
      SimulatedAgent agent =
          new SimulatedAgent(
              service.uri(),
              7,
              settings.policy().archive().idle().plus(settings.sweepEvery().multipliedBy(2)));
      agent.start();
      // Rates over 1m need a few scrapes after each kind of traffic has started: poll until every
      // query answers, for at most two and a half minutes.
      List<String> empty = prometheus.awaitData(queries, Duration.ofSeconds(150), PERIOD);
      assertThat(empty)
          .as("dashboard queries without data; targets: %s", prometheus.targets())
          .isEmpty();
      // The plan backlog panel shows a backlog, not only zeros: sweeps found archives due.
      assertThat(prometheus.awaitData(List.of(ARCHIVES_DUE), Duration.ofSeconds(60), PERIOD))
          .as("archives due in a sweep's plan (tiered_memory_plan_pending) seen")
          .isEmpty();
      // Under load, not just present: every kind of movement shows in what Prometheus scraped.
      long flows = prometheus.awaitMovementFlows(Duration.ofSeconds(90));
      agent.close();
      assertThat(flows)
          .as("movement flows (warm->hot, hot->warm, warm->cold, cold->warm) seen")
          .isEqualTo(4);
    }
  }
}
