package io.tieredmemory.spring.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.metrics.DecisionFeed;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * A {@link DecisionFeed} per store ({@link TieredMemoryDecisionFeeds}), attached through a {@link
 * TieredMemoryBuilderCustomizer}: bounded ({@code tiered-memory.decisions.history} per store, a
 * small buffer per live-view client), keys hashed unless {@code
 * tiered-memory.decisions.reveal-keys=true}; durable ({@code DecisionFeed.Builder.durable}) when
 * the store's WARM tier keeps an event log, unless {@code tiered-memory.decisions.durable=false}.
 * Its dropped-decisions counter goes to the application's {@link MeterRegistry} when there is one.
 * Disabled with {@code tiered-memory.decisions.enabled=false}.
 */
@AutoConfiguration(
    before = TieredMemoryAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"
    })
@ConditionalOnClass(DecisionFeed.class)
@ConditionalOnBooleanProperty(name = "tiered-memory.decisions.enabled", matchIfMissing = true)
@EnableConfigurationProperties(TieredMemoryDecisionsProperties.class)
public class TieredMemoryDecisionsAutoConfiguration {
  /** Undelivered decisions kept per event-stream client before the oldest are dropped. */
  static final int SUBSCRIBER_BUFFER = 256;

  /** The feeds, one per store. */
  @Bean
  @ConditionalOnMissingBean
  public TieredMemoryDecisionFeeds tieredMemoryDecisionFeeds(
      TieredMemoryDecisionsProperties properties, ObjectProvider<MeterRegistry> registries) {
    return new TieredMemoryDecisionFeeds(
        (TieredMemory store) ->
            DecisionFeed.builder()
                .durable(properties.isDurable() && store.eventLog().isPresent())
                .retain(properties.getRetain())
                .history(properties.getHistory())
                .subscriberBuffer(SUBSCRIBER_BUFFER)
                .revealKeys(properties.isRevealKeys())
                .includePuts(properties.isIncludePuts())
                .includeRecalls(properties.isIncludeRecalls())
                .registry(registries.getIfUnique(SimpleMeterRegistry::new))
                .build());
  }

  /** Attaches the feeds to each auto-configured store. */
  @Bean
  public TieredMemoryBuilderCustomizer tieredMemoryDecisionFeedsCustomizer(
      TieredMemoryDecisionFeeds feeds) {
    return builder -> builder.observer(feeds.observer());
  }
}
