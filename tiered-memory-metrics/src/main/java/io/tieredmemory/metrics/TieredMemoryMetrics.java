package io.tieredmemory.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.Validation;
import io.tieredmemory.core.spi.TierObserver;
import io.tieredmemory.core.spi.TierObserverFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Binds stores to Micrometer.
 *
 * <p>Zero-config: with this module on the classpath, every store built with auto-discovery on (the
 * default) is bound to {@link Metrics#globalRegistry} through {@link java.util.ServiceLoader}. Add
 * a Prometheus registry to the global registry (or let {@link TieredMemoryEndpoint} do it) and the
 * {@code tiered_memory_*} series appear; no instrumentation code.
 *
 * <p>Explicit: bind to a registry of your own; a store bound explicitly is not bound again to the
 * global registry.
 *
 * <pre>{@code
 * PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * TieredMemory store = TieredMemory.builder("agent")
 *     .observerFactory(TieredMemoryMetrics.observers(prometheus))
 *     .build();
 * }</pre>
 *
 * <p>Set the system property {@code tiered.memory.metrics.autobind=false} to turn the zero-config
 * binding off.
 */
public final class TieredMemoryMetrics {
  private static final List<MicrometerTierObserver> BOUND = new CopyOnWriteArrayList<>();

  private TieredMemoryMetrics() {}

  /** Binds each store built with it to {@code registry}, with the default options. */
  public static TierObserverFactory observers(MeterRegistry registry) {
    return observers(registry, MetricsOptions.defaults());
  }

  /** Binds each store built with it to {@code registry}. */
  public static TierObserverFactory observers(MeterRegistry registry, MetricsOptions options) {
    Validation.requireNonNull("registry", registry);
    Validation.requireNonNull("options", options);
    return store -> bind(store, registry, options);
  }

  private static TierObserver bind(TieredMemory store, MeterRegistry registry, MetricsOptions o) {
    MicrometerTierObserver observer = new MicrometerTierObserver(store, registry, o);
    BOUND.add(observer);
    return observer;
  }

  /** The stores currently bound (built with metrics and not yet closed), in binding order. */
  public static List<TieredMemory> boundStores() {
    List<TieredMemory> stores = new ArrayList<>();
    for (MicrometerTierObserver o : BOUND) {
      if (!stores.contains(o.store())) {
        stores.add(o.store());
      }
    }
    return stores;
  }

  static Optional<MicrometerTierObserver> observerOf(TieredMemory store) {
    for (MicrometerTierObserver o : BOUND) {
      if (o.store() == store) {
        return Optional.of(o);
      }
    }
    return Optional.empty();
  }

  static void unbound(MicrometerTierObserver observer) {
    BOUND.remove(observer);
  }

  /**
   * The {@link java.util.ServiceLoader} entry that binds every store to Micrometer's global
   * registry. Not meant to be called directly.
   */
  public static final class GlobalRegistryBinding implements TierObserverFactory {
    /** Called by {@link java.util.ServiceLoader}. */
    public GlobalRegistryBinding() {}

    @Override
    public TierObserver create(TieredMemory store) {
      if ("false".equalsIgnoreCase(System.getProperty("tiered.memory.metrics.autobind"))
          || observerOf(store).isPresent()) {
        return TierObserver.NOOP;
      }
      return bind(store, Metrics.globalRegistry, MetricsOptions.defaults());
    }
  }
}
