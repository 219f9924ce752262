package io.tieredmemory.examples.biometric;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns a webhook body into a {@link Reading}, or refuses it with an {@link ApiError} (400) naming
 * the field and the value at fault. Strict on purpose: exactly the fields {@code userId}, {@code
 * metric}, {@code value} and {@code timestamp}, each of the right JSON type, no duplicates, nothing
 * after the object.
 *
 * <pre>{@code
 * Reading r = new ReadingParser(Clock.systemUTC()).parse(Source.OURA, bytes);
 * }</pre>
 */
final class ReadingParser {
  /** The fields of a webhook body, all required. */
  static final List<String> FIELDS = List.of("userId", "metric", "value", "timestamp");

  /** How far in the future a timestamp may be (clocks of phones and watches drift). */
  static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

  private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private static final ObjectMapper STRICT =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final Clock clock;

  ReadingParser(Clock clock) {
    this.clock = clock;
  }

  /**
   * Parses and validates one reading sent by {@code source}.
   *
   * @throws ApiError (400) naming the field and value at fault
   */
  Reading parse(Source source, byte[] body) throws ApiError {
    JsonNode root = readJson(body);
    if (!root.isObject()) {
      throw ApiError.badRequest(
          "body",
          HttpIo.shown(root.toString()),
          "body must be a JSON object with " + String.join(", ", FIELDS) + ", was a " + type(root));
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw ApiError.badRequest(
            name,
            HttpIo.shown(root.get(name).toString()),
            "unknown field '"
                + HttpIo.shown(name)
                + "'; a reading has exactly "
                + String.join(", ", FIELDS));
      }
    }
    for (String name : FIELDS) {
      if (!root.has(name)) {
        throw ApiError.badRequest(name, null, name + " is required");
      }
    }
    String userId = userId(root.get("userId"));
    MetricKind metric = metric(root.get("metric"));
    String value = value(metric, root.get("value"));
    Instant timestamp = timestamp(root.get("timestamp"));
    return new Reading(source, userId, metric, value, timestamp);
  }

  private static JsonNode readJson(byte[] body) throws ApiError {
    if (body.length == 0) {
      throw ApiError.badRequest("body", "", "body must be a JSON object, was empty");
    }
    try {
      JsonNode root = STRICT.readTree(body);
      if (root == null || root.isMissingNode()) {
        throw ApiError.badRequest("body", "", "body must be a JSON object, was blank");
      }
      return root;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw ApiError.badRequest(
          "body",
          HttpIo.shown(new String(body, java.nio.charset.StandardCharsets.UTF_8)),
          "body is not valid JSON" + where + ": " + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw ApiError.badRequest("body", null, "body could not be read: " + e.getMessage());
    }
  }

  private static String userId(JsonNode node) throws ApiError {
    String id = text("userId", node);
    if (!USER_ID.matcher(id).matches()) {
      throw ApiError.badRequest(
          "userId",
          HttpIo.shown(id),
          "userId must be 1-64 letters, digits, '_' or '-', was '" + HttpIo.shown(id) + "'");
    }
    return id;
  }

  private static MetricKind metric(JsonNode node) throws ApiError {
    String label = text("metric", node);
    return MetricKind.of(label)
        .orElseThrow(
            () ->
                ApiError.badRequest(
                    "metric",
                    HttpIo.shown(label),
                    "metric must be one of "
                        + MetricKind.labels()
                        + ", was '"
                        + HttpIo.shown(label)
                        + "'"));
  }

  private static String value(MetricKind metric, JsonNode node) throws ApiError {
    if (metric.categorical()) {
      if (!node.isTextual()) {
        throw ApiError.badRequest(
            "value",
            HttpIo.shown(node.toString()),
            "value must be a string for "
                + metric.label()
                + " (one of "
                + String.join(", ", MetricKind.SLEEP_STAGES)
                + "), was "
                + was(node));
      }
      String stage = node.textValue();
      if (!MetricKind.SLEEP_STAGES.contains(stage)) {
        throw ApiError.badRequest(
            "value",
            HttpIo.shown(stage),
            "value must be one of "
                + String.join(", ", MetricKind.SLEEP_STAGES)
                + " for "
                + metric.label()
                + ", was '"
                + HttpIo.shown(stage)
                + "'");
      }
      return stage;
    }
    String shown = HttpIo.shown(node.toString());
    if (!node.isNumber()) {
      throw ApiError.badRequest(
          "value", shown, "value must be a number for " + metric.label() + ", was " + was(node));
    }
    double v = node.doubleValue();
    if (!(v >= metric.min() && v <= metric.max())) {
      throw ApiError.badRequest(
          "value",
          shown,
          "value must be between "
              + plain(metric.min())
              + " and "
              + plain(metric.max())
              + " ("
              + metric.unit()
              + ") for "
              + metric.label()
              + ", was "
              + shown);
    }
    BigDecimal exact = node.decimalValue().stripTrailingZeros();
    if (metric.wholeNumbers() && exact.scale() > 0) {
      throw ApiError.badRequest(
          "value", shown, "value must be a whole number for " + metric.label() + ", was " + shown);
    }
    return exact.toPlainString();
  }

  private Instant timestamp(JsonNode node) throws ApiError {
    String text = text("timestamp", node);
    Instant at;
    try {
      at = Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw ApiError.badRequest(
          "timestamp",
          HttpIo.shown(text),
          "timestamp must be an ISO-8601 instant like 2026-11-30T10:15:00Z, was '"
              + HttpIo.shown(text)
              + "'");
    }
    if (at.isBefore(Instant.EPOCH)) {
      throw ApiError.badRequest(
          "timestamp",
          HttpIo.shown(text),
          "timestamp must not be before 1970-01-01T00:00:00Z, was '" + HttpIo.shown(text) + "'");
    }
    Instant latest = clock.instant().plus(MAX_CLOCK_SKEW);
    if (at.isAfter(latest)) {
      throw ApiError.badRequest(
          "timestamp",
          HttpIo.shown(text),
          "timestamp must not be more than 5 minutes in the future (latest accepted now: "
              + latest
              + "), was '"
              + HttpIo.shown(text)
              + "'");
    }
    return at;
  }

  private static String text(String field, JsonNode node) throws ApiError {
    if (!node.isTextual()) {
      String shown = HttpIo.shown(node.toString());
      throw ApiError.badRequest(field, shown, field + " must be a string, was " + was(node));
    }
    return node.textValue();
  }

  /** What a node is, for messages: {@code null}, {@code a number 72}, {@code a string 'x'}. */
  private static String was(JsonNode node) {
    if (node.isNull()) {
      return "null";
    }
    return type(node) + " " + HttpIo.shown(node.toString());
  }

  /** The JSON type of a node, for messages: {@code a number}, {@code null}... */
  private static String type(JsonNode node) {
    switch (node.getNodeType()) {
      case NUMBER:
        return "a number";
      case STRING:
        return "a string";
      case BOOLEAN:
        return "a boolean";
      case ARRAY:
        return "an array";
      case OBJECT:
        return "an object";
      case NULL:
        return "null";
      default:
        return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private static String plain(double d) {
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return HttpIo.shown(nl < 0 ? s : s.substring(0, nl));
  }
}
