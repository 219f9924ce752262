package io.tieredmemory.examples.biometric;

import java.util.Locale;
import java.util.Optional;

/**
 * The wearable platforms allowed to call {@code POST /webhooks/{source}}. A fixed set, so that the
 * {@code source} tag of the service's metrics stays bounded: anything else is answered 404 and
 * counted as {@code unknown}.
 */
enum Source {
  OURA,
  WHOOP,
  APPLE_HEALTH,
  GARMIN,
  FITBIT;

  /** The tag value for requests whose source is not one of these. */
  static final String UNKNOWN_LABEL = "unknown";

  private final String label = name().toLowerCase(Locale.ROOT);

  /** The path segment and tag value, e.g. {@code apple_health}. */
  String label() {
    return label;
  }

  /** The source named exactly {@code label} (lower case), if any. */
  static Optional<Source> of(String label) {
    for (Source s : values()) {
      if (s.label.equals(label)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
