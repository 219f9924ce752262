package io.tieredmemory.springai;

import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.spi.Embedder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Where the auto-configuration tests' {@code TieredMemory} beans come from, with Spring Boot 3:
 * there is no tiered-memory starter for it, so the application declares its store, as
 * docs/spring-ai.md shows, searching with the auto-configured {@code Embedder} when there is one.
 */
final class TieredMemoryBeans {

  private TieredMemoryBeans() {}

  /** The application's store. */
  @Configuration(proxyBeanMethods = false)
  static class OneStore {
    @Bean(destroyMethod = "close")
    TieredMemory tieredMemory(ObjectProvider<Embedder> embedder) {
      TieredMemory.Builder builder = TieredMemory.builder("app").disableScheduledSweeps();
      embedder.ifUnique(builder::embedder);
      return builder.build();
    }
  }

  /** A second store. */
  @Configuration(proxyBeanMethods = false)
  static class SecondStore {
    @Bean(destroyMethod = "close")
    TieredMemory secondTieredMemory() {
      return TieredMemory.builder("second").disableScheduledSweeps().build();
    }
  }

  /** A runner with the application's one store and {@code autoConfigurations}. */
  static ApplicationContextRunner runner(Class<?>... autoConfigurations) {
    return new ApplicationContextRunner()
        .withUserConfiguration(OneStore.class)
        .withConfiguration(AutoConfigurations.of(autoConfigurations));
  }

  /** {@code runner} with a second store. */
  static ApplicationContextRunner twoStores(ApplicationContextRunner runner) {
    return runner.withUserConfiguration(SecondStore.class);
  }
}
