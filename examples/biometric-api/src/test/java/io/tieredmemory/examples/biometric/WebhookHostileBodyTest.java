package io.tieredmemory.examples.biometric;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.Tier;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile webhook bodies that {@link WebhookApiTest} does not send: bytes that are not UTF-8, JSON
 * nested deeper than the parser allows, numbers of thousands of digits, non-standard literals, a 60
 * KB string within the body limit, a body of blanks at the limit. Each must be refused with 400 and
 * a short message naming the field (never a 500, never an echo of the whole body), nothing may be
 * stored, and each must be counted.
 */
@Timeout(30)
class WebhookHostileBodyTest {
  private BiometricService service;
  private TestHttp http;
  private final HttpClient raw =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

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

  private record Hostile(String name, byte[] body, String field, String says) {}

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<Hostile> bodies() {
    String ts = "\"timestamp\":\"2026-01-01T00:00:00Z\"";
    byte[] notUtf8 = {
      '{', '"', 'u', 's', 'e', 'r', 'I', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'
    };
    return List.of(
        new Hostile("invalid UTF-8", notUtf8, "body", "not valid JSON"),
        new Hostile(
            "nested 20,000 deep", utf8("[".repeat(20_000) + "]".repeat(20_000)), "body", "JSON"),
        new Hostile(
            "object nested 5,000 deep",
            utf8("{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000)),
            "body",
            "JSON"),
        new Hostile(
            "number of 5,000 digits",
            utf8(
                "{\"userId\":\"u-1\",\"metric\":\"steps\",\"value\":"
                    + "9".repeat(5_000)
                    + ","
                    + ts
                    + "}"),
            "body",
            "JSON"),
        new Hostile(
            "NaN literal",
            utf8("{\"userId\":\"u-1\",\"metric\":\"hrv\",\"value\":NaN," + ts + "}"),
            "body",
            "not valid JSON"),
        new Hostile(
            "value an object",
            utf8("{\"userId\":\"u-1\",\"metric\":\"hrv\",\"value\":{\"$gt\":1}," + ts + "}"),
            "value",
            "value must be a number for hrv, was an object"),
        new Hostile(
            "metric an array",
            utf8("{\"userId\":\"u-1\",\"metric\":[\"hrv\"],\"value\":40," + ts + "}"),
            "metric",
            "metric must be a string, was an array"),
        new Hostile(
            "60 KB userId",
            utf8(
                "{\"userId\":\""
                    + "u".repeat(60_000)
                    + "\",\"metric\":\"hrv\",\"value\":40,"
                    + ts
                    + "}"),
            "userId",
            "userId must be 1-64"),
        new Hostile(
            "userId with NUL and SQL",
            utf8(
                "{\"userId\":\"u\\u0000'; DROP TABLE tiered_memory; --\",\"metric\":\"hrv\","
                    + "\"value\":40,"
                    + ts
                    + "}"),
            "userId",
            "\\u0000"),
        new Hostile("blanks up to the limit", utf8(" ".repeat(64 * 1024)), "body", "blank"),
        new Hostile(
            "trailing garbage",
            utf8("{\"userId\":\"u-1\",\"metric\":\"hrv\",\"value\":40," + ts + "} x"),
            "body",
            "JSON"));
  }

  @Test
  void hostileBodies_refusedWith400ShortMessageNothingStoredEachCounted() throws Exception {
    List<Hostile> bodies = bodies();
    SoftAssertions softly = new SoftAssertions();
    for (Hostile h : bodies) {
      HttpResponse<String> r =
          raw.send(
              HttpRequest.newBuilder(URI.create(service.uri() + "webhooks/oura"))
                  .header("Content-Type", "application/json")
                  .timeout(Duration.ofSeconds(10))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(h.body()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      softly.assertThat(r.statusCode()).as("%s: status (%s)", h.name(), r.body()).isEqualTo(400);
      TestHttp.Response parsed = new TestHttp.Response(r.statusCode(), r.body(), r);
      softly
          .assertThat(parsed.json().path("field").asText())
          .as("%s: field (%s)", h.name(), r.body())
          .isEqualTo(h.field());
      softly
          .assertThat(parsed.json().path("error").asText())
          .as("%s: message", h.name())
          .contains(h.says());
      softly
          .assertThat(r.body().length())
          .as("%s: the answer echoes little", h.name())
          .isLessThan(1_000);
    }
    softly.assertAll();

    assertThat(service.store().stats().tier(Tier.WARM).items()).isZero();
    assertThat(service.store().stats().tier(Tier.HOT).items()).isZero();
    assertThat(http.series("biometric_webhook_requests_total{source=\"oura\",status=\"400\"}"))
        .isEqualTo((double) bodies.size());
    assertThat(http.series("biometric_webhook_requests_total{source=\"oura\",status=\"500\"}"))
        .isZero();
  }
}
