package io.tieredmemory.examples.biometric;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.StoreStats;
import io.tieredmemory.core.Tier;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP API against the running service on a free port (in-process tiers, no simulator). */
@Timeout(30)
class WebhookApiTest {
  private BiometricService service;
  private TestHttp http;

  @BeforeEach
  void start() throws IOException {
    service =
        BiometricService.start(
            BiometricService.Settings.demo(ServiceConfig.defaults().withPort(0)));
    http = new TestHttp(service.uri());
  }

  @AfterEach
  void stop() {
    service.close();
  }

  /** One refused request: what is sent and what must come back. */
  private record Refusal(
      String name, String method, String path, String body, int status, String field, String says) {
    String sourceTag() {
      String segment = path.startsWith("/webhooks/") ? path.substring("/webhooks/".length()) : "";
      return Source.of(segment).map(Source::label).orElse(Source.UNKNOWN_LABEL);
    }
  }

  private static String reading(String user, String metric, String jsonValue, Instant at) {
    return "{\"userId\":\""
        + user
        + "\",\"metric\":\""
        + metric
        + "\",\"value\":"
        + jsonValue
        + ",\"timestamp\":\""
        + at
        + "\"}";
  }

  private static List<Refusal> refusals() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String ts = "\"timestamp\":\"" + now + "\"";
    List<Refusal> r = new ArrayList<>();
    r.add(
        new Refusal(
            "malformed JSON",
            "POST",
            "/webhooks/oura",
            "{\"userId\":\"u-1\",",
            400,
            "body",
            "not valid JSON"));
    r.add(
        new Refusal(
            "not an object", "POST", "/webhooks/oura", "\"u-1\"", 400, "body", "JSON object"));
    r.add(new Refusal("empty body", "POST", "/webhooks/whoop", "", 400, "body", "empty"));
    r.add(
        new Refusal(
            "userId a number",
            "POST",
            "/webhooks/oura",
            "{\"userId\":17,\"metric\":\"hrv\",\"value\":40," + ts + "}",
            400,
            "userId",
            "userId must be a string, was a number 17"));
    r.add(
        new Refusal(
            "value a string",
            "POST",
            "/webhooks/garmin",
            reading("u-1", "heart_rate", "\"72\"", now),
            400,
            "value",
            "value must be a number for heart_rate, was a string \"72\""));
    r.add(
        new Refusal(
            "missing timestamp",
            "POST",
            "/webhooks/oura",
            "{\"userId\":\"u-1\",\"metric\":\"hrv\",\"value\":40}",
            400,
            "timestamp",
            "timestamp is required"));
    r.add(
        new Refusal(
            "missing value",
            "POST",
            "/webhooks/fitbit",
            "{\"userId\":\"u-1\",\"metric\":\"hrv\"," + ts + "}",
            400,
            "value",
            "value is required"));
    r.add(
        new Refusal(
            "unknown field",
            "POST",
            "/webhooks/oura",
            "{\"userId\":\"u-1\",\"metric\":\"hrv\",\"value\":40," + ts + ",\"deviceId\":\"ring\"}",
            400,
            "deviceId",
            "unknown field 'deviceId'"));
    r.add(
        new Refusal(
            "unknown metric",
            "POST",
            "/webhooks/apple_health",
            reading("u-1", "blood_pressure", "120", now),
            400,
            "metric",
            "was 'blood_pressure'"));
    r.add(
        new Refusal(
            "heart rate too high",
            "POST",
            "/webhooks/oura",
            reading("u-1", "heart_rate", "251", now),
            400,
            "value",
            "between 20 and 250 (bpm) for heart_rate, was 251"));
    r.add(
        new Refusal(
            "heart rate too low",
            "POST",
            "/webhooks/oura",
            reading("u-1", "heart_rate", "19", now),
            400,
            "value",
            "was 19"));
    r.add(
        new Refusal(
            "hrv too high",
            "POST",
            "/webhooks/whoop",
            reading("u-1", "hrv", "301", now),
            400,
            "value",
            "between 1 and 300 (ms) for hrv, was 301"));
    r.add(
        new Refusal(
            "negative steps",
            "POST",
            "/webhooks/garmin",
            reading("u-1", "steps", "-5", now),
            400,
            "value",
            "was -5"));
    r.add(
        new Refusal(
            "too many steps",
            "POST",
            "/webhooks/garmin",
            reading("u-1", "steps", "100001", now),
            400,
            "value",
            "was 100001"));
    r.add(
        new Refusal(
            "fractional steps",
            "POST",
            "/webhooks/garmin",
            reading("u-1", "steps", "10.5", now),
            400,
            "value",
            "whole number"));
    r.add(
        new Refusal(
            "unknown sleep stage",
            "POST",
            "/webhooks/oura",
            reading("u-1", "sleep_stage", "\"nap\"", now),
            400,
            "value",
            "was 'nap'"));
    r.add(
        new Refusal(
            "future timestamp",
            "POST",
            "/webhooks/oura",
            reading("u-1", "hrv", "40", now.plusSeconds(3600)),
            400,
            "timestamp",
            "more than 5 minutes in the future"));
    r.add(
        new Refusal(
            "not a timestamp",
            "POST",
            "/webhooks/oura",
            "{\"userId\":\"u-1\",\"metric\":\"hrv\",\"value\":40,\"timestamp\":\"yesterday\"}",
            400,
            "timestamp",
            "was 'yesterday'"));
    r.add(
        new Refusal(
            "bad userId",
            "POST",
            "/webhooks/fitbit",
            reading("u 1; drop", "hrv", "40", now),
            400,
            "userId",
            "was 'u 1; drop'"));
    r.add(
        new Refusal(
            "unknown source",
            "POST",
            "/webhooks/polar",
            reading("u-1", "hrv", "40", now),
            404,
            "source",
            "unknown source 'polar'"));
    r.add(
        new Refusal(
            "no source",
            "POST",
            "/webhooks",
            reading("u-1", "hrv", "40", now),
            404,
            "source",
            "unknown source ''"));
    r.add(
        new Refusal(
            "GET on a webhook",
            "GET",
            "/webhooks/oura",
            null,
            405,
            "method",
            "method GET is not allowed"));
    r.add(new Refusal("GET on /webhooks", "GET", "/webhooks", null, 405, "method", "use POST"));
    r.add(
        new Refusal(
            "PUT on a webhook", "PUT", "/webhooks/whoop", null, 405, "method", "method PUT"));
    return r;
  }

  @Test
  void invalidWebhooks_refusedNamingTheFieldNothingStoredAndEachCounted() {
    List<Refusal> refusals = refusals();
    SoftAssertions softly = new SoftAssertions();
    for (Refusal r : refusals) {
      TestHttp.Response response =
          r.body() == null ? http.method(r.method(), r.path()) : http.post(r.path(), r.body());
      softly
          .assertThat(response.status())
          .as("%s: status (%s)", r.name(), response.body())
          .isEqualTo(r.status());
      softly
          .assertThat(response.raw().headers().firstValue("Content-Type"))
          .as(r.name())
          .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
      softly
          .assertThat(response.json().path("field").asText())
          .as("%s: field (%s)", r.name(), response.body())
          .isEqualTo(r.field());
      softly
          .assertThat(response.json().path("error").asText())
          .as("%s: message", r.name())
          .contains(r.says());
      if (r.status() == 405) {
        softly
            .assertThat(response.raw().headers().firstValue("Allow"))
            .as(r.name())
            .contains("POST");
      }
    }
    softly.assertAll();

    StoreStats stats = service.store().stats();
    assertThat(stats.tier(Tier.HOT).items()).as("hot").isZero();
    assertThat(stats.tier(Tier.WARM).items()).as("warm").isZero();
    assertThat(stats.tier(Tier.COLD).items()).as("cold").isZero();
    assertThat(
            http.get("/memories?query=heart+rate+hrv+steps+sleep+u-1&k=50").json().path("results"))
        .isEmpty();

    Map<String, Integer> expected = new LinkedHashMap<>();
    for (Refusal r : refusals) {
      expected.merge(
          "source=\"" + r.sourceTag() + "\",status=\"" + r.status() + "\"", 1, Integer::sum);
    }
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      assertThat(http.series("biometric_webhook_requests_total{" + e.getKey() + "}"))
          .as(e.getKey())
          .isEqualTo(e.getValue().doubleValue());
    }
    assertThat(http.series("biometric_webhook_requests_total{source=\"oura\",status=\"201\"}"))
        .isZero();
    long refusedOnOura = refusals.stream().filter(r -> r.sourceTag().equals("oura")).count();
    assertThat(http.series("biometric_webhook_request_duration_seconds_count{source=\"oura\"}"))
        .isEqualTo((double) refusedOnOura);
    assertThat(http.get("/metrics").body())
        .contains("biometric_webhook_request_duration_seconds_bucket{source=\"oura\",le=\"0.005\"}")
        .contains("# TYPE biometric_webhook_requests_total counter")
        .doesNotContain("u-1");
  }

  @Test
  void validWebhook_createdThenReadableAndSearchable() {
    Instant at = Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.MILLIS);
    TestHttp.Response created =
        http.post("/webhooks/oura", reading("u-17", "heart_rate", "72", at));

    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String key = "bio:u-17:heart_rate:" + at.toEpochMilli();
    assertThat(created.json().path("key").asText()).isEqualTo(key);
    assertThat(created.json().path("version").asLong()).isPositive();
    assertThat(created.raw().headers().firstValue("Location")).contains("/memories/" + key);

    TestHttp.Response got = http.get("/memories/" + key);
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.json().path("content").asText())
        .isEqualTo("heart rate 72 bpm for user u-17 at " + at + " (from oura)");
    assertThat(got.json().path("metadata").path("unit").asText()).isEqualTo("bpm");
    assertThat(got.json().path("metadata").path("source").asText()).isEqualTo("oura");
    assertThat(got.json().path("version").asLong())
        .isEqualTo(created.json().path("version").asLong());

    TestHttp.Response found = http.get("/memories?query=heart+rate+u-17");
    assertThat(found.status()).isEqualTo(200);
    assertThat(found.json().path("k").asInt()).isEqualTo(5);
    assertThat(found.json().path("results").get(0).path("key").asText()).isEqualTo(key);
    assertThat(found.json().path("results").get(0).path("similarity").asDouble()).isPositive();

    assertThat(http.series("biometric_webhook_requests_total{source=\"oura\",status=\"201\"}"))
        .isEqualTo(1.0);
    assertThat(
            http.series(
                "tiered_memory_requests_total{operation=\"put\",result=\"success\",store=\"biometric-api\",tier=\"warm\"}"))
        .isEqualTo(1.0);
  }

  @Test
  void search_understandsTheAgentsParaphrases() {
    Instant at = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
    Map<String, String> keyByMetric = new LinkedHashMap<>();
    String[][] readings = {
      // (No HRV reading: "heart rate variability" is, rightly, nearly as close to a pulse.)
      {"heart_rate", "71"}, {"sleep_stage", "\"deep\""}, {"steps", "12040"}
    };
    for (String[] r : readings) {
      TestHttp.Response created = http.post("/webhooks/oura", reading("u-5", r[0], r[1], at));
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      keyByMetric.put(r[0], created.json().path("key").asText());
    }

    // No content word in common with the reading it should find ("heart rate 71 bpm ...").
    Map<String, String> questions =
        Map.of(
            "how fast was the pulse of u-5", "heart_rate",
            "how well did u-5 sleep last night", "sleep_stage",
            "how far did u-5 walk", "steps");
    SoftAssertions softly = new SoftAssertions();
    questions.forEach(
        (question, metric) -> {
          TestHttp.Response found = http.get("/memories?k=1&query=" + question.replace(' ', '+'));
          softly
              .assertThat(found.json().path("results").get(0).path("key").asText())
              .as(question)
              .isEqualTo(keyByMetric.get(metric));
        });
    softly.assertAll();
  }

  @Test
  void sameReadingTwice_updatesTheSameMemory() {
    String body =
        reading("u-2", "sleep_stage", "\"rem\"", Instant.now().truncatedTo(ChronoUnit.SECONDS));
    TestHttp.Response first = http.post("/webhooks/whoop", body);
    TestHttp.Response again = http.post("/webhooks/whoop", body);

    assertThat(again.json().path("key").asText()).isEqualTo(first.json().path("key").asText());
    assertThat(again.json().path("version").asLong())
        .isGreaterThan(first.json().path("version").asLong());
    assertThat(service.store().stats().tier(Tier.WARM).items()).isEqualTo(1);
  }

  @Test
  void memories_missesAndBadParameters() {
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(http.get("/memories/bio:u-1:hrv:1").status()).isEqualTo(404);
    softly
        .assertThat(http.get("/memories/bio:u-1:hrv:1").json().path("field").asText())
        .isEqualTo("key");
    softly.assertThat(http.get("/memories?k=3").json().path("field").asText()).isEqualTo("query");
    for (String k : new String[] {"0", "51", "x", "1.5", ""}) {
      TestHttp.Response r = http.get("/memories?query=sleep&k=" + k);
      softly.assertThat(r.status()).as("k=%s", k).isEqualTo(400);
      softly.assertThat(r.json().path("field").asText()).as("k=%s", k).isEqualTo("k");
      softly
          .assertThat(r.json().path("error").asText())
          .as("k=%s", k)
          .contains("k must be a whole number from 1 to 50, was '" + k + "'");
    }
    softly.assertThat(http.get("/memories?query=sleep&k=50").status()).isEqualTo(200);
    softly
        .assertThat(http.get("/memories?query=sleep&limit=3").json().path("field").asText())
        .isEqualTo("limit");
    softly.assertThat(http.get("/memories?query=a&query=b").status()).isEqualTo(400);
    softly.assertThat(http.method("DELETE", "/memories/bio:u-1:hrv:1").status()).isEqualTo(405);
    softly.assertThat(http.get("/nowhere").status()).isEqualTo(404);
    softly.assertThat(http.get("/health").json().path("status").asText()).isEqualTo("UP");
    softly
        .assertThat(http.get("/memory/stats").json().path("stores").get(0).path("name").asText())
        .isEqualTo("biometric-api");
    softly.assertThat(http.get("/memory/").body()).contains("tiered-memory");
    softly.assertAll();
  }

  @Test
  void hugeBodyWithContentLength_refusedWithoutWaitingForIt() throws IOException {
    // 100 MB announced, 1 KB sent: an answer proves the server did not wait for (or buffer) it.
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /webhooks/oura HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Content-Length: 104857600\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[1024]);
      out.flush();
      String response = readResponse(socket.getInputStream());
      assertThat(response)
          .startsWith("HTTP/1.1 413")
          .contains("\"field\":\"body\"")
          .contains("body must be at most 65536 bytes, was 104857600 bytes declared");
    }
    assertNothingStoredAnd413Counted();
  }

  @Test
  void hugeChunkedBody_refusedAfterTheLimitWithoutReadingTheRest() throws IOException {
    // No length announced: 80 KiB of chunks and never the final chunk, so the body never ends.
    // The server must stop reading at 64 KiB + 1 and answer; had it read to the end it would
    // still be waiting. (80 KiB, not more: what the server does not read after answering, it
    // discards, up to 64 KiB, before closing; more than that would reset the connection.)
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /webhooks/oura HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Transfer-Encoding: chunked\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = " ".repeat(8192).getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 10; i++) {
        out.write("2000\r\n".getBytes(StandardCharsets.US_ASCII));
        out.write(chunk);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.flush();
      String response = readResponse(socket.getInputStream());
      assertThat(response).startsWith("HTTP/1.1 413").contains("more than 65536 bytes sent");
    }
    assertNothingStoredAnd413Counted();
  }

  @Test
  void bodyOfExactlyTheLimit_accepted_oneByteMoreRefused() throws IOException {
    String reading = reading("u-3", "steps", "1200", Instant.now().truncatedTo(ChronoUnit.SECONDS));
    String padded = reading + " ".repeat(WebhookHandler.MAX_BODY_BYTES - reading.length());

    assertThat(http.post("/webhooks/garmin", padded).status()).isEqualTo(201);
    // One byte more, announced; only the start is sent (a client sending all of it could see its
    // connection reset after the answer, when the server closes with the rest unread).
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /webhooks/garmin HTTP/1.1\r\nHost: x\r\nContent-Length: "
                  + (WebhookHandler.MAX_BODY_BYTES + 1)
                  + "\r\n\r\n"
                  + reading)
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(readResponse(socket.getInputStream()))
          .startsWith("HTTP/1.1 413")
          .contains("was 65537 bytes declared");
    }
  }

  private void assertNothingStoredAnd413Counted() {
    assertThat(service.store().stats().tier(Tier.WARM).items()).isZero();
    assertThat(http.series("biometric_webhook_requests_total{source=\"oura\",status=\"413\"}"))
        .isEqualTo(1.0);
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", service.port());
    socket.setSoTimeout(10_000);
    return socket;
  }

  /** Reads one response whose body has a Content-Length. */
  private static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
    }
    String headers = head.toString(StandardCharsets.US_ASCII);
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(headers);
    byte[] body = m.find() ? in.readNBytes(Integer.parseInt(m.group(1))) : new byte[0];
    return headers + new String(body, StandardCharsets.UTF_8);
  }
}
