package io.tieredmemory.examples.biometric;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The biometric metrics a webhook may carry, with their unit and the values accepted. Numeric
 * metrics take a JSON number within {@code [min, max]} (whole numbers only for {@code steps});
 * {@code sleep_stage} takes one of four strings.
 */
enum MetricKind {
  HEART_RATE("heart rate", "bpm", 20, 250, false),
  HRV("heart rate variability", "ms", 1, 300, false),
  SLEEP_STAGE("sleep stage", "stage", 0, 0, false),
  STEPS("step count", "steps", 0, 100_000, true);

  /** The values {@link #SLEEP_STAGE} accepts. */
  static final List<String> SLEEP_STAGES = List.of("awake", "light", "deep", "rem");

  private final String label = name().toLowerCase(Locale.ROOT);
  private final String phrase;
  private final String unit;
  private final double min;
  private final double max;
  private final boolean wholeNumbers;

  MetricKind(String phrase, String unit, double min, double max, boolean wholeNumbers) {
    this.phrase = phrase;
    this.unit = unit;
    this.min = min;
    this.max = max;
    this.wholeNumbers = wholeNumbers;
  }

  /** The JSON value of the {@code metric} field, e.g. {@code heart_rate}. */
  String label() {
    return label;
  }

  /** Every metric's {@link #label()}: the store's kinds of knowledge. */
  static Set<String> labelSet() {
    Set<String> labels = new TreeSet<>();
    for (MetricKind k : values()) {
      labels.add(k.label());
    }
    return labels;
  }

  /** How the metric reads in a sentence, e.g. {@code heart rate}. */
  String phrase() {
    return phrase;
  }

  /** The unit stored in the metadata, e.g. {@code bpm}. */
  String unit() {
    return unit;
  }

  /** Whether the value is a string (one of {@link #SLEEP_STAGES}) rather than a number. */
  boolean categorical() {
    return this == SLEEP_STAGE;
  }

  /** The smallest accepted number. */
  double min() {
    return min;
  }

  /** The largest accepted number. */
  double max() {
    return max;
  }

  /** Whether only whole numbers are accepted. */
  boolean wholeNumbers() {
    return wholeNumbers;
  }

  /** The metric named exactly {@code label}, if any. */
  static Optional<MetricKind> of(String label) {
    for (MetricKind m : values()) {
      if (m.label.equals(label)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /** Every label, for error messages: {@code heart_rate, hrv, sleep_stage, steps}. */
  static String labels() {
    StringBuilder b = new StringBuilder();
    for (MetricKind m : values()) {
      if (b.length() > 0) {
        b.append(", ");
      }
      b.append(m.label);
    }
    return b.toString();
  }
}
