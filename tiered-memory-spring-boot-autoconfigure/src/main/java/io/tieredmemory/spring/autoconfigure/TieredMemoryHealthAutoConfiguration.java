package io.tieredmemory.spring.autoconfigure;

import io.tieredmemory.core.TieredMemory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code tieredMemory} health contributor, when Spring Boot's health classes (module {@code
 * spring-boot-health}, brought by Actuator) are present; the application works without them.
 * Disabled with {@code management.health.tiered-memory.enabled=false}.
 */
@AutoConfiguration(after = TieredMemoryAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(TieredMemory.class)
@ConditionalOnEnabledHealthIndicator("tiered-memory")
public class TieredMemoryHealthAutoConfiguration {

  /** The store's health. */
  @Bean
  @ConditionalOnMissingBean(name = "tieredMemoryHealthIndicator")
  public TieredMemoryHealthIndicator tieredMemoryHealthIndicator(TieredMemory store) {
    return new TieredMemoryHealthIndicator(store);
  }
}
