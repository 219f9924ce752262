package io.tieredmemory.examples.bootagent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example as a user runs it with no property of their own and no server: the starter's store
 * behind the controller, its series in {@code /actuator/prometheus} (with Micrometer's global
 * registry switched off: the store binds to Boot's registry, not the global one) and its tiers in
 * {@code /actuator/health}.
 */
class AgentApplicationTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static ConfigurableApplicationContext app;
  private static URI base;

  @BeforeAll
  static void start() {
    app =
        SpringApplication.run(
            AgentApplication.class,
            "--server.port=0",
            "--server.address=127.0.0.1",
            "--agent.simulator.enabled=false",
            "--management.metrics.use-global-registry=false");
    int port = ((WebServerApplicationContext) app).getWebServer().getPort();
    base = URI.create("http://127.0.0.1:" + port + "/");
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void rememberRecallSearchForget() throws Exception {
    assertThat(send("PUT", "memories/user:7:lang?source=chat", "prefers answers in French"))
        .satisfies(r -> assertThat(r.statusCode()).isEqualTo(200))
        .satisfies(r -> assertThat(r.body()).contains("\"version\":1", "\"source\":\"chat\""));
    assertThat(send("GET", "memories/user:7:lang", null).body())
        .contains("prefers answers in French");
    assertThat(send("GET", "memories?q=French&k=2", null).body())
        .contains("\"key\":\"user:7:lang\"");
    assertThat(send("DELETE", "memories/user:7:lang", null).statusCode()).isEqualTo(204);
    assertThat(send("GET", "memories/user:7:lang", null).statusCode()).isEqualTo(404);
    assertThat(send("DELETE", "memories/user:7:lang", null).statusCode()).isEqualTo(404);
  }

  @Test
  void aRefusedKeyIsABadRequestNamingTheReason() throws Exception {
    HttpResponse<String> r = send("PUT", "memories/" + "k".repeat(2000), "x");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("key");
  }

  @Test
  void theStoresSeriesAreInBootsPrometheusEndpoint() throws Exception {
    send("PUT", "memories/metrics:probe", "probe");
    send("GET", "memories/metrics:probe", null);
    HttpResponse<String> r = send("GET", "actuator/prometheus", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .contains(
            "tiered_memory_requests_total{operation=\"put\",result=\"success\","
                + "store=\"spring-boot-agent\",tier=\"warm\"}",
            // The example sorts memories into kinds (AgentApplication): each gauge has a kind.
            "tiered_memory_items{kind=\"none\",store=\"spring-boot-agent\",tier=\"hot\"}",
            "tiered_memory_movements_total{",
            "tiered_memory_sweep_duration_seconds_count{",
            // The plan backlog gauge, one per reason a sweep plans (no kind: plans are per store).
            "tiered_memory_plan_pending{reason=\"warm_idle\",store=\"spring-boot-agent\"}");
  }

  @Test
  void theTiersAreInBootsHealth() throws Exception {
    HttpResponse<String> r = send("GET", "actuator/health", null);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode store = JSON.readTree(r.body()).path("components").path("tieredMemory");
    assertThat(store.path("status").asText()).isEqualTo("UP");
    assertThat(store.path("details").path("name").asText()).isEqualTo("spring-boot-agent");
    for (String tier : new String[] {"hot", "warm", "cold"}) {
      JsonNode t = store.path("details").path("tiers").path(tier);
      assertThat(t.path("kind").asText()).as(tier).isEqualTo("in-process");
      assertThat(t.path("status").asText()).as(tier).isEqualTo("UP");
      assertThat(t.path("failuresInRow").asInt(-1)).as(tier).isZero();
    }
  }

  private static HttpResponse<String> send(String method, String path, String body)
      throws Exception {
    return TestHttp.send(base, method, path, body);
  }
}
