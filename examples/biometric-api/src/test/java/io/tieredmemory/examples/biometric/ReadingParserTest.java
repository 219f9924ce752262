package io.tieredmemory.examples.biometric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReadingParserTest {
  private static final Instant NOW = Instant.parse("2026-11-30T10:20:00Z");
  private final ReadingParser parser = new ReadingParser(Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void parse_heartRate_keyContentAndMetadata() throws Exception {
    Reading r =
        parse(
            "{\"userId\":\"u-17\",\"metric\":\"heart_rate\",\"value\":72,"
                + "\"timestamp\":\"2026-11-30T10:15:00Z\"}");

    assertThat(r.key()).isEqualTo("bio:u-17:heart_rate:1796033700000");
    assertThat(r.content())
        .isEqualTo("heart rate 72 bpm for user u-17 at 2026-11-30T10:15:00Z (from oura)");
    assertThat(r.metadata())
        .isEqualTo(
            Map.of(
                "source", "oura",
                "userId", "u-17",
                "metric", "heart_rate",
                "value", "72",
                "unit", "bpm"));
  }

  @Test
  void parse_eachMetric_readsAsASentence() throws Exception {
    assertThat(parse(body("hrv", "41.50", "2026-11-30T10:15:00Z")).content())
        .startsWith("heart rate variability 41.5 ms for user u-1 at");
    assertThat(parse(body("steps", "1.2e3", "2026-11-30T10:15:00Z")).content())
        .startsWith("step count 1200 steps for user u-1");
    Reading sleep = parse(body("sleep_stage", "\"deep\"", "2026-11-30T10:15:00+01:00"));
    assertThat(sleep.content())
        .isEqualTo("sleep stage deep for user u-1 at 2026-11-30T09:15:00Z (from oura)");
    assertThat(sleep.metadata()).containsEntry("unit", "stage").containsEntry("value", "deep");
  }

  @Test
  void parse_boundaries_accepted() throws Exception {
    parse(body("heart_rate", "20", "2026-11-30T10:15:00Z"));
    parse(body("heart_rate", "250", "2026-11-30T10:15:00Z"));
    parse(body("hrv", "1", "2026-11-30T10:15:00Z"));
    parse(body("hrv", "300", "2026-11-30T10:15:00Z"));
    parse(body("steps", "0", "2026-11-30T10:15:00Z"));
    parse(body("steps", "100000", "2026-11-30T10:15:00Z"));
    parse(body("steps", "100000", NOW.plusSeconds(300).toString())); // exactly 5 min ahead
    parse(body("steps", "1", "1970-01-01T00:00:00Z"));
  }

  static Stream<Arguments> refusals() {
    String ts = "\"timestamp\":\"2026-11-30T10:15:00Z\"";
    return Stream.of(
        Arguments.of("", "body", "was empty"),
        Arguments.of("   ", "body", "blank"),
        Arguments.of("{\"userId\":", "body", "not valid JSON at line 1"),
        Arguments.of("[1,2]", "body", "must be a JSON object"),
        Arguments.of(body("heart_rate", "72", "2026-11-30T10:15:00Z") + "{}", "body", "JSON"),
        Arguments.of(
            "{\"userId\":\"a\",\"userId\":\"b\",\"metric\":\"hrv\",\"value\":3," + ts + "}",
            "body",
            "Duplicate field 'userId'"),
        Arguments.of(
            "{\"userId\":\"u-1\",\"metric\":\"hrv\",\"value\":3," + ts + ",\"device\":\"x\"}",
            "device",
            "unknown field 'device'"),
        Arguments.of("{\"metric\":\"hrv\",\"value\":3," + ts + "}", "userId", "userId is required"),
        Arguments.of("{\"userId\":\"u-1\",\"value\":3," + ts + "}", "metric", "metric is required"),
        Arguments.of("{\"userId\":\"u-1\",\"metric\":\"hrv\"," + ts + "}", "value", "required"),
        Arguments.of(
            "{\"userId\":\"u-1\",\"metric\":\"hrv\",\"value\":3}", "timestamp", "required"),
        Arguments.of(
            "{\"userId\":17,\"metric\":\"hrv\",\"value\":3," + ts + "}",
            "userId",
            "userId must be a string, was a number 17"),
        Arguments.of(
            "{\"userId\":null,\"metric\":\"hrv\",\"value\":3," + ts + "}",
            "userId",
            "userId must be a string, was null"),
        Arguments.of(
            "{\"userId\":\"u 17\",\"metric\":\"hrv\",\"value\":3," + ts + "}",
            "userId",
            "userId must be 1-64 letters, digits, '_' or '-', was 'u 17'"),
        Arguments.of(
            "{\"userId\":\"\",\"metric\":\"hrv\",\"value\":3," + ts + "}", "userId", "was ''"),
        Arguments.of(
            "{\"userId\":\"" + "x".repeat(65) + "\",\"metric\":\"hrv\",\"value\":3," + ts + "}",
            "userId",
            "userId must be 1-64"),
        Arguments.of(
            body("blood_pressure", "120", "2026-11-30T10:15:00Z"),
            "metric",
            "metric must be one of heart_rate, hrv, sleep_stage, steps, was 'blood_pressure'"),
        Arguments.of(
            body("heart_rate", "\"72\"", "2026-11-30T10:15:00Z"),
            "value",
            "value must be a number for heart_rate, was a string \"72\""),
        Arguments.of(
            body("heart_rate", "true", "2026-11-30T10:15:00Z"), "value", "was a boolean true"),
        Arguments.of(
            body("heart_rate", "251", "2026-11-30T10:15:00Z"),
            "value",
            "value must be between 20 and 250 (bpm) for heart_rate, was 251"),
        Arguments.of(body("heart_rate", "19.9", "2026-11-30T10:15:00Z"), "value", "was 19.9"),
        Arguments.of(body("heart_rate", "1e400", "2026-11-30T10:15:00Z"), "value", "between"),
        Arguments.of(body("hrv", "0", "2026-11-30T10:15:00Z"), "value", "between 1 and 300"),
        Arguments.of(body("steps", "-1", "2026-11-30T10:15:00Z"), "value", "was -1"),
        Arguments.of(body("steps", "100001", "2026-11-30T10:15:00Z"), "value", "100000"),
        Arguments.of(
            body("steps", "12.5", "2026-11-30T10:15:00Z"),
            "value",
            "value must be a whole number for steps, was 12.5"),
        Arguments.of(
            body("sleep_stage", "\"nap\"", "2026-11-30T10:15:00Z"),
            "value",
            "value must be one of awake, light, deep, rem for sleep_stage, was 'nap'"),
        Arguments.of(
            body("sleep_stage", "3", "2026-11-30T10:15:00Z"),
            "value",
            "value must be a string for sleep_stage"),
        Arguments.of(
            body("hrv", "40", "30/11/2026 10:15"),
            "timestamp",
            "timestamp must be an ISO-8601 instant like 2026-11-30T10:15:00Z, was '30/11/2026"),
        Arguments.of(body("hrv", "40", "2026-11-30T10:15:00"), "timestamp", "ISO-8601 instant"),
        Arguments.of(
            body("hrv", "40", "2026-11-30T10:25:00.001Z"),
            "timestamp",
            "timestamp must not be more than 5 minutes in the future"),
        Arguments.of(
            body("hrv", "40", "1969-12-31T23:59:59Z"),
            "timestamp",
            "must not be before 1970-01-01T00:00:00Z"),
        Arguments.of(
            "{\"userId\":\"u-1\",\"metric\":\"hrv\",\"value\":40,\"timestamp\":1796033700}",
            "timestamp",
            "timestamp must be a string, was a number 1796033700"));
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @MethodSource("refusals")
  void parse_invalid_badRequestNamingFieldAndValue(String json, String field, String message) {
    ApiError e = catchThrowableOfType(ApiError.class, () -> parse(json));

    assertThat(e).as("refused: %s", json).isNotNull();
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.field()).isEqualTo(field);
    assertThat(e.getMessage()).contains(message);
  }

  @Test
  void parse_longValueInMessage_abbreviated() {
    String longUser = "x".repeat(500) + " ";
    ApiError e =
        catchThrowableOfType(
            ApiError.class,
            () ->
                parse(
                    "{\"userId\":\""
                        + longUser
                        + "\",\"metric\":\"hrv\",\"value\":3,\"timestamp\":\"2026-11-30T10:15:00Z\"}"));

    assertThat(e.getMessage()).hasSizeLessThan(200).contains("...");
  }

  private Reading parse(String json) throws ApiError {
    return parser.parse(Source.OURA, json.getBytes(StandardCharsets.UTF_8));
  }

  private static String body(String metric, String jsonValue, String timestamp) {
    return "{\"userId\":\"u-1\",\"metric\":\""
        + metric
        + "\",\"value\":"
        + jsonValue
        + ",\"timestamp\":\""
        + timestamp
        + "\"}";
  }
}
