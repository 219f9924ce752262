package io.tieredmemory.spring.autoconfigure;

import io.tieredmemory.core.Kinds;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.TierObserver;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Builds a store from its {@link StoreProperties}: the policy, the sweeps, each tier's backend, the
 * context's observers and customizers. Every value the library refuses becomes an {@link
 * InvalidTieredMemoryPropertyException} naming the full property, so that {@link
 * TieredMemoryFailureAnalyzer} can say which one and why.
 *
 * <p>The classes of a real backend ({@code RedisTier}, {@code PostgresTier}, {@code ChromaTier})
 * are only loaded when a property selects it, so that an application without that backend's module
 * (or driver) on the class path never needs it.
 */
final class TieredMemoryFactory {
  private final Environment environment;
  private final ObjectProvider<DataSource> dataSources;
  private final ObjectProvider<Embedder> embedders;
  private final ObjectProvider<TierObserver> observers;
  private final ObjectProvider<TieredMemoryBuilderCustomizer> customizers;
  private final @Nullable ClassLoader classLoader;

  TieredMemoryFactory(
      @Nullable ClassLoader classLoader,
      Environment environment,
      ObjectProvider<DataSource> dataSources,
      ObjectProvider<Embedder> embedders,
      ObjectProvider<TierObserver> observers,
      ObjectProvider<TieredMemoryBuilderCustomizer> customizers) {
    this.classLoader = classLoader;
    this.environment = environment;
    this.dataSources = dataSources;
    this.embedders = embedders;
    this.observers = observers;
    this.customizers = customizers;
  }

  /**
   * The store named {@code name}, configured by {@code p}, whose properties are under {@code
   * prefix} (such as {@code tiered-memory} or {@code tiered-memory.stores[sessions]}); {@code
   * named} when it is one of several named stores.
   */
  TieredMemory create(String name, StoreProperties p, String prefix, boolean named) {
    TieredMemory.Builder builder =
        checked(prefix, "name", name, () -> TieredMemory.builder(name)).discoverObservers(false);
    builder.policy(policy(p, prefix));
    checked(prefix, "sweep-every", p.getSweepEvery(), () -> builder.sweepEvery(p.getSweepEvery()));
    StoreProperties.History history = p.getHistory();
    builder.history(history.isEnabled());
    checked(
        prefix,
        "history.retention",
        history.getRetention(),
        () -> builder.historyRetention(history.getRetention()));
    checked(
        prefix,
        "history.per-key",
        history.getPerKey(),
        () -> builder.historyPerKey(history.getPerKey()));
    Kinds kinds = kinds(p.getKinds(), prefix);
    if (kinds != null) {
      builder.kinds(kinds);
    }
    builder.recordQueryText(p.isRecordQueryText());
    checked(prefix, "read-moves", p.getReadMoves(), () -> builder.readMoves(p.getReadMoves()));
    Embedder embedder = embedders.getIfAvailable(Embedder::hashing);
    builder.embedder(embedder);
    switch (p.getHot().getBackend()) {
      case REDIS -> {
        require(
            prefix + ".hot.backend",
            "redis",
            "io.tieredmemory.redis.RedisTierStore",
            "io.tieredmemory:tiered-memory-redis");
        require(
            prefix + ".hot.backend",
            "redis",
            "redis.clients.jedis.RedisClient",
            "Jedis 8 (redis.clients:jedis:8.0.2; Spring Boot 4.0 manages 7.0.0: import"
                + " io.tieredmemory:tiered-memory-bom before spring-boot-dependencies, or set"
                + " <jedis.version>8.0.2</jedis.version>)");
        builder.hot(
            RedisTier.create(name, p.getHot().getRedis(), prefix + ".hot.redis", environment));
      }
      case IN_PROCESS -> {}
    }
    switch (p.getWarm().getBackend()) {
      case POSTGRES -> {
        require(
            prefix + ".warm.backend",
            "postgres",
            "io.tieredmemory.postgres.PostgresTierStore",
            "io.tieredmemory:tiered-memory-postgres");
        DataSource dataSource = dataSources.getIfUnique();
        if (dataSource == null) {
          throw new InvalidTieredMemoryPropertyException(
              prefix + ".warm.backend",
              "postgres",
              new IllegalArgumentException(
                  "WARM on PostgreSQL uses the application's DataSource, and there is no single"
                      + " DataSource bean (add spring-boot-starter-jdbc and set"
                      + " spring.datasource.url, or define one DataSource bean)"));
        }
        PostgresTier.configure(
            builder,
            name,
            named,
            p.getWarm().getPostgres(),
            prefix + ".warm.postgres",
            dataSource,
            embedder);
      }
      case IN_PROCESS -> {}
    }
    switch (p.getCold().getBackend()) {
      case CHROMA -> {
        require(
            prefix + ".cold.backend",
            "chroma",
            "io.tieredmemory.chroma.ChromaTierStore",
            "io.tieredmemory:tiered-memory-chroma");
        builder.cold(
            ChromaTier.create(name, p.getCold().getChroma(), prefix + ".cold.chroma", embedder));
      }
      case IN_PROCESS -> {}
    }
    observers.orderedStream().forEach(builder::observer);
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return builder.build();
  }

  static TieringPolicy policy(StoreProperties p, String prefix) {
    TieringPolicy.Builder b = TieringPolicy.custom();
    try {
      b.promoteAfter(p.getPromoteAfterReads(), p.getPromoteWindow());
    } catch (IllegalArgumentException e) {
      boolean window = String.valueOf(e.getMessage()).startsWith("promotion.window");
      throw window
          ? new InvalidTieredMemoryPropertyException(
              prefix + ".promote-window", p.getPromoteWindow(), e)
          : new InvalidTieredMemoryPropertyException(
              prefix + ".promote-after-reads", p.getPromoteAfterReads(), e);
    }
    checked(
        prefix,
        "demote-when-idle",
        p.getDemoteWhenIdle(),
        () -> b.demoteWhenIdle(p.getDemoteWhenIdle()));
    checked(prefix, "hot-capacity", p.getHotCapacity(), () -> b.hotCapacity(p.getHotCapacity()));
    checked(
        prefix,
        "archive-when-idle",
        p.getArchiveWhenIdle(),
        () -> b.archiveWhenIdle(p.getArchiveWhenIdle()));
    // build() checks the rules against each other: archive idle >= demotion idle.
    return checked(prefix, "archive-when-idle", p.getArchiveWhenIdle(), b::build);
  }

  /** Runs {@code step}, naming {@code prefix.property} and its value if the library refuses it. */
  /** The kinds {@code k} configures, or null when none. */
  private static @Nullable Kinds kinds(StoreProperties.KindsOptions k, String prefix) {
    String field = k.getMetadataField();
    String delimiter = k.getKeyDelimiter();
    if (field != null && delimiter != null) {
      throw new InvalidTieredMemoryPropertyException(
          prefix + ".kinds.key-delimiter",
          delimiter,
          new IllegalArgumentException(
              "set either kinds.metadata-field or kinds.key-delimiter, not both (metadata-field is '"
                  + field
                  + "')"));
    }
    Integer max = k.getMax();
    List<String> only = k.getOnly();
    if (field == null && delimiter == null) {
      if (max != null || !only.isEmpty()) {
        throw new InvalidTieredMemoryPropertyException(
            prefix + (max != null ? ".kinds.max" : ".kinds.only"),
            max != null ? max : only,
            new IllegalArgumentException(
                "kinds need a source: set kinds.metadata-field or kinds.key-delimiter"));
      }
      return null;
    }
    Kinds kinds =
        field != null
            ? checked(prefix, "kinds.metadata-field", field, () -> Kinds.byMetadata(field))
            : checked(prefix, "kinds.key-delimiter", delimiter, () -> Kinds.byKeyPrefix(delimiter));
    if (max != null) {
      Kinds base = kinds;
      kinds = checked(prefix, "kinds.max", max, () -> base.max(max));
    }
    if (!only.isEmpty()) {
      Kinds base = kinds;
      kinds = checked(prefix, "kinds.only", only, () -> base.only(new LinkedHashSet<>(only)));
    }
    return kinds;
  }

  static <T> T checked(String prefix, String property, Object value, Supplier<T> step) {
    try {
      return step.get();
    } catch (IllegalArgumentException e) {
      throw new InvalidTieredMemoryPropertyException(prefix + "." + property, value, e);
    }
  }

  private void require(String property, String value, String className, String artifact) {
    if (!ClassUtils.isPresent(className, classLoader)) {
      throw new InvalidTieredMemoryPropertyException(
          property,
          value,
          new IllegalArgumentException(
              "it needs " + className + " on the class path, from " + artifact));
    }
  }
}
