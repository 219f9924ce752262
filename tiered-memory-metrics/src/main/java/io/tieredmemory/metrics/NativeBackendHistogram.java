package io.tieredmemory.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The backend duration as a Prometheus native histogram ({@link
 * MetricsOptions#nativeHistograms()}): Micrometer has classic histograms only, so the histogram is
 * registered in the {@link PrometheusRegistry} under the {@link PrometheusMeterRegistry}, one
 * family per registry shared by the stores bound to it (the {@code store} label tells them apart).
 * Its series carry no bucket lines in the text format (a count and a sum): a Prometheus started
 * with {@code --enable-feature=native-histograms} scrapes the protobuf format and stores the
 * buckets.
 */
final class NativeBackendHistogram {
  // One family per Prometheus registry and name; weak keys, so a closed registry is forgotten.
  private static final Map<PrometheusRegistry, Map<String, NativeBackendHistogram>> FAMILIES =
      new WeakHashMap<>();

  private final Histogram histogram;
  private final List<String> tagKeys;

  private NativeBackendHistogram(Histogram histogram, List<String> tagKeys) {
    this.histogram = histogram;
    this.tagKeys = tagKeys;
  }

  /** The Prometheus registry {@code registry} writes to (itself, or one inside a composite). */
  static @Nullable PrometheusMeterRegistry prometheus(MeterRegistry registry) {
    if (registry instanceof PrometheusMeterRegistry p) {
      return p;
    }
    if (registry instanceof CompositeMeterRegistry c) {
      for (MeterRegistry r : c.getRegistries()) {
        PrometheusMeterRegistry p = prometheus(r);
        if (p != null) {
          return p;
        }
      }
    }
    return null;
  }

  /**
   * The family of {@code name} in {@code registry}, registered by the first store; every store
   * bound to one registry must use the same tag keys.
   *
   * @throws IllegalStateException if the tag keys differ from the first store's
   */
  static NativeBackendHistogram of(PrometheusMeterRegistry registry, String name, Tags storeTags) {
    NamingConvention convention = registry.config().namingConvention();
    String family = convention.name(name, Meter.Type.TIMER, "seconds");
    List<String> keys = new ArrayList<>();
    for (Tag t : storeTags.and("tier", "-", "operation", "-")) {
      keys.add(t.getKey()); // Tags are sorted by key
    }
    synchronized (FAMILIES) {
      Map<String, NativeBackendHistogram> byName =
          FAMILIES.computeIfAbsent(registry.getPrometheusRegistry(), r -> new HashMap<>());
      NativeBackendHistogram h = byName.get(family);
      if (h == null) {
        List<String> labels = new ArrayList<>();
        for (String k : keys) {
          labels.add(convention.tagKey(k));
        }
        h =
            new NativeBackendHistogram(
                Histogram.builder()
                    .name(family)
                    .help("Time of one call to a remote tier backend, failed or not")
                    .labelNames(labels.toArray(new String[0]))
                    .nativeOnly()
                    .register(registry.getPrometheusRegistry()),
                List.copyOf(keys));
        byName.put(family, h);
      } else if (!h.tagKeys.equals(keys)) {
        throw new IllegalStateException(
            "nativeHistograms: every store bound to one registry needs the same tag keys, "
                + h.tagKeys
                + ", was "
                + keys);
      }
      return h;
    }
  }

  private static String[] values(Tags tags) {
    List<String> v = new ArrayList<>();
    for (Tag t : tags) {
      v.add(t.getValue());
    }
    return v.toArray(new String[0]);
  }

  /**
   * The series of one store, tier and operation ({@code tags} as given to {@link #of}, plus both).
   */
  DistributionDataPoint series(Tags tags) {
    return histogram.labelValues(values(tags));
  }

  /** Removes the series of {@code tags}. */
  void remove(Tags tags) {
    histogram.remove(values(tags));
  }
}
