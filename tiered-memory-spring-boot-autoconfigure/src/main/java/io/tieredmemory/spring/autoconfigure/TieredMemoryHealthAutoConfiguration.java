package io.tieredmemory.spring.autoconfigure;

import io.tieredmemory.core.TieredMemory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code tieredMemory} health contributor, when Spring Boot's health classes (module {@code
 * spring-boot-health}, brought by Actuator) are present; the application works without them. With
 * one store it is that store's {@link TieredMemoryHealthIndicator}; with several, a composite with
 * one indicator per store, by name. Disabled with {@code
 * management.health.tiered-memory.enabled=false}.
 */
@AutoConfiguration(after = TieredMemoryAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(TieredMemory.class)
@ConditionalOnEnabledHealthIndicator("tiered-memory")
public class TieredMemoryHealthAutoConfiguration {

  /** The health of the store, or of each store. */
  @Bean
  @ConditionalOnMissingBean(name = "tieredMemoryHealthIndicator")
  public HealthContributor tieredMemoryHealthIndicator(ObjectProvider<TieredMemory> stores) {
    List<TieredMemory> all = stores.orderedStream().toList();
    if (all.size() == 1) {
      return new TieredMemoryHealthIndicator(all.get(0));
    }
    Map<String, HealthContributor> byName = new LinkedHashMap<>();
    for (TieredMemory store : all) {
      byName.put(store.name(), new TieredMemoryHealthIndicator(store));
    }
    return CompositeHealthContributor.fromMap(byName);
  }
}
