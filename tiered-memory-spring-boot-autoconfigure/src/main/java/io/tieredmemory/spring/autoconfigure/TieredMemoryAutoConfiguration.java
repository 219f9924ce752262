package io.tieredmemory.spring.autoconfigure;

import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.TierObserver;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * The application's store, or its several named stores, configured by {@link
 * TieredMemoryProperties}, sweeping in the background, closed (and so flushed) when the context
 * closes.
 *
 * <ul>
 *   <li>Without {@code tiered-memory.stores.*}: one {@link TieredMemory} bean, {@code
 *       tieredMemory}, configured by the top-level properties. A {@code TieredMemory} bean of the
 *       application's own replaces it.
 *   <li>With {@code tiered-memory.stores.<name>.*}: one bean per name, qualified by it
 *       ({@code @Qualifier("<name>") TieredMemory}), each configured by the top level overridden by
 *       its own entry ({@link NamedStoresRegistrar}).
 * </ul>
 *
 * <p>Observers come from the context, never from {@link java.util.ServiceLoader}: each store is
 * built with {@code discoverObservers(false)}, then every {@link TierObserver} bean and every
 * {@link TieredMemoryBuilderCustomizer} bean (such as the metrics binding of {@link
 * TieredMemoryMetricsAutoConfiguration}) is applied. An {@link Embedder} bean, if there is one,
 * embeds for search (in every tier); otherwise {@link Embedder#hashing()}.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
      "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration"
    })
@EnableConfigurationProperties(TieredMemoryProperties.class)
public class TieredMemoryAutoConfiguration {

  /** What builds each store from its properties. */
  @Bean
  @ConditionalOnMissingBean
  TieredMemoryFactory tieredMemoryFactory(
      ResourceLoader resourceLoader,
      Environment environment,
      ObjectProvider<DataSource> dataSources,
      ObjectProvider<Embedder> embedders,
      ObjectProvider<TierObserver> observers,
      ObjectProvider<TieredMemoryBuilderCustomizer> customizers) {
    return new TieredMemoryFactory(
        resourceLoader.getClassLoader(),
        environment,
        dataSources,
        embedders,
        observers,
        customizers);
  }

  /** One store, when no store is named under {@code tiered-memory.stores}. */
  @Configuration(proxyBeanMethods = false)
  @Conditional(NamedStoresCondition.None.class)
  static class OneStore {

    /** The store. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    TieredMemory tieredMemory(
        TieredMemoryFactory factory, TieredMemoryProperties properties, Environment environment) {
      String name =
          properties.getName() != null
              ? properties.getName()
              : environment.getProperty("spring.application.name", "default");
      return factory.create(name, properties, TieredMemoryProperties.PREFIX, false);
    }
  }

  /** Several stores, one per name under {@code tiered-memory.stores}. */
  @Configuration(proxyBeanMethods = false)
  @Conditional(NamedStoresCondition.Some.class)
  @Import(NamedStoresRegistrar.class)
  static class NamedStores {}
}
