package io.tieredmemory.examples.biometric;

import java.time.Instant;
import java.util.Map;

/**
 * One valid biometric reading, as stored: the memory's key, its human-readable content and its
 * metadata all come from here.
 *
 * <pre>{@code
 * Reading r = new Reading(Source.OURA, "u-17", MetricKind.HEART_RATE, "72",
 *     Instant.parse("2026-11-30T10:15:00Z"));
 * r.key();      // bio:u-17:heart_rate:1796033700000
 * r.content();  // heart rate 72 bpm for user u-17 at 2026-11-30T10:15:00Z (from oura)
 * }</pre>
 *
 * @param source the platform that sent it
 * @param userId the user, {@code [A-Za-z0-9_-]{1,64}}
 * @param metric what was measured
 * @param value the value as text: a plain decimal number ({@code 72}, {@code 41.5}) or a sleep
 *     stage
 * @param timestamp when it was measured
 */
record Reading(Source source, String userId, MetricKind metric, String value, Instant timestamp) {

  /** The memory key: {@code bio:{userId}:{metric}:{epochMillis}}. */
  String key() {
    return key(userId, metric, timestamp);
  }

  /** The memory key of the reading of {@code metric} for {@code userId} at {@code timestamp}. */
  static String key(String userId, MetricKind metric, Instant timestamp) {
    return "bio:" + userId + ":" + metric.label() + ":" + timestamp.toEpochMilli();
  }

  /** A sentence: {@code heart rate 72 bpm for user u-17 at 2026-11-30T10:15:00Z (from oura)}. */
  String content() {
    String measured =
        metric.categorical()
            ? metric.phrase() + " " + value
            : metric.phrase() + " " + value + " " + metric.unit();
    return measured + " for user " + userId + " at " + timestamp + " (from " + source.label() + ")";
  }

  /** Metadata: source, userId, metric, value and unit. */
  Map<String, String> metadata() {
    return Map.of(
        "source", source.label(),
        "userId", userId,
        "metric", metric.label(),
        "value", value,
        "unit", metric.unit());
  }
}
