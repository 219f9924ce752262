package io.tieredmemory.spring.autoconfigure;

import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.TierObserver;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * A {@link TieredMemory} on the in-process tiers, configured by {@link TieredMemoryProperties},
 * sweeping in the background, closed (and so flushed) when the context closes. A {@code
 * TieredMemory} bean of the application's own replaces it.
 *
 * <p>Observers come from the context, never from {@link java.util.ServiceLoader}: the store is
 * built with {@code discoverObservers(false)}, then every {@link TierObserver} bean and every
 * {@link TieredMemoryBuilderCustomizer} bean (such as the metrics binding of {@link
 * TieredMemoryMetricsAutoConfiguration}) is applied.
 */
@AutoConfiguration
@EnableConfigurationProperties(TieredMemoryProperties.class)
public class TieredMemoryAutoConfiguration {
  private static final String PREFIX = "tiered-memory.";

  /** The store. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public TieredMemory tieredMemory(
      TieredMemoryProperties properties,
      Environment environment,
      ObjectProvider<TierObserver> observers,
      ObjectProvider<TieredMemoryBuilderCustomizer> customizers) {
    String name =
        properties.getName() != null
            ? properties.getName()
            : environment.getProperty("spring.application.name", "default");
    TieredMemory.Builder builder =
        checked("name", name, () -> TieredMemory.builder(name)).discoverObservers(false);
    builder.policy(policy(properties));
    checked(
        "sweep-every",
        properties.getSweepEvery(),
        () -> builder.sweepEvery(properties.getSweepEvery()));
    observers.orderedStream().forEach(builder::observer);
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return builder.build();
  }

  static TieringPolicy policy(TieredMemoryProperties p) {
    TieringPolicy.Builder b = TieringPolicy.custom();
    try {
      b.promoteAfter(p.getPromoteAfterReads(), p.getPromoteWindow());
    } catch (IllegalArgumentException e) {
      boolean window = String.valueOf(e.getMessage()).startsWith("promotion.window");
      throw window
          ? new InvalidTieredMemoryPropertyException(
              PREFIX + "promote-window", p.getPromoteWindow(), e)
          : new InvalidTieredMemoryPropertyException(
              PREFIX + "promote-after-reads", p.getPromoteAfterReads(), e);
    }
    checked(
        "demote-when-idle", p.getDemoteWhenIdle(), () -> b.demoteWhenIdle(p.getDemoteWhenIdle()));
    checked("hot-capacity", p.getHotCapacity(), () -> b.hotCapacity(p.getHotCapacity()));
    checked(
        "archive-when-idle",
        p.getArchiveWhenIdle(),
        () -> b.archiveWhenIdle(p.getArchiveWhenIdle()));
    // build() checks the rules against each other: archive idle >= demotion idle.
    return checked("archive-when-idle", p.getArchiveWhenIdle(), b::build);
  }

  private static <T> T checked(String property, Object value, Supplier<T> step) {
    try {
      return step.get();
    } catch (IllegalArgumentException e) {
      throw new InvalidTieredMemoryPropertyException(PREFIX + property, value, e);
    }
  }
}
