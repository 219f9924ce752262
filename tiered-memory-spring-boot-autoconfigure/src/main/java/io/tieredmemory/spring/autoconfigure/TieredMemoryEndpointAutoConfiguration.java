package io.tieredmemory.spring.autoconfigure;

import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.metrics.DecisionFeed;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code tieredmemory} Actuator endpoint ({@link TieredMemoryActuatorEndpoint}), when Actuator
 * (module {@code spring-boot-actuator}) and {@code tiered-memory-metrics} are present and the
 * endpoint is available: exposed only where the application exposes it ({@code
 * management.endpoints.web.exposure.include=health,tieredmemory}), access as usual ({@code
 * management.endpoint.tieredmemory.access}).
 */
@AutoConfiguration(
    after = {TieredMemoryAutoConfiguration.class, TieredMemoryDecisionsAutoConfiguration.class})
@ConditionalOnClass({Endpoint.class, DecisionFeed.class, TieredMemory.class})
@ConditionalOnAvailableEndpoint(TieredMemoryActuatorEndpoint.class)
public class TieredMemoryEndpointAutoConfiguration {

  /** The endpoint over every {@link TieredMemory} bean. */
  @Bean
  @ConditionalOnMissingBean
  public TieredMemoryActuatorEndpoint tieredMemoryActuatorEndpoint(
      ObjectProvider<TieredMemory> stores, ObjectProvider<TieredMemoryDecisionFeeds> feeds) {
    return new TieredMemoryActuatorEndpoint(stores, feeds);
  }
}
